/**
 * n8n's REST API as its editor calls it, signed in as a user (a session cookie): what a user's
 * clicks do, without the clicks. Bodies are JSON; n8n wraps each answer in `{ data }`.
 */
import type { Owner } from '../../../scripts/n8n/owner';

export interface N8nRest {
	get<T>(path: string): Promise<T>;
	post<T>(path: string, body: unknown): Promise<T>;
}

async function data<T>(response: Response): Promise<T> {
	const text = await response.text();
	if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 500)}`);
	return (JSON.parse(text) as { data: T }).data;
}

/** Signs in as `user` (n8n's login form's call) and returns calls made with that session. */
export async function signInRest(n8nUrl: string, user: Pick<Owner, 'email' | 'password'>): Promise<N8nRest> {
	const login = await fetch(`${n8nUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: user.email, password: user.password }),
	});
	await data(login);
	// The session cookie (n8n-auth=…), without its attributes.
	const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	const call = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
		await data<T>(await fetch(`${n8nUrl}${path}`, {
			method,
			headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		}));
	return {
		get: (path) => call('GET', path),
		post: (path, body) => call('POST', path, body),
	};
}
