/**
 * The path of one authenticated request against real servers on 127.0.0.1 and 127.0.0.2 (two
 * origins): the policy check, redirects (what is kept, what is dropped, methods and bodies),
 * the redirect limit, and the one retry after a renewal.
 */
import { Readable } from 'node:stream';
import { exchange, type ExchangeOptions } from '../../lib/exchange';
import { systemClock } from '../../lib/clock';
import { ApiResponseError, ConfigError } from '../../lib/errors';
import { silentLogger } from '../../lib/services';
import { type AuthSession, openSession } from '../../lib/session';
import type { Authenticator } from '../../lib/auth/types';
import { whenIdle } from '../../lib/tokens/manager';
import { destroyAgents } from '../../lib/transport/agents';
import type { OutgoingRequest } from '../../lib/transport/types';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const KEY = 'exchange-test-key';
let api: RecordingServer;
let other: RecordingServer;

beforeAll(async () => {
	api = await startRecordingServer();
	other = await startRecordingServer({ host: '127.0.0.2' });
});
afterAll(async () => {
	destroyAgents();
	await Promise.all([api.close(), other.close()]);
});
beforeEach(() => {
	api.requests.length = 0;
	other.requests.length = 0;
});

function session(allowedDomains = '127.0.0.1, 127.0.0.2'): AuthSession {
	return openSession('apiAuthApiKey', { apiKey: KEY, parameterName: 'X-API-Key', allowedDomains }, { clock: systemClock, logger: silentLogger });
}

const options = (more: Partial<ExchangeOptions> = {}): ExchangeOptions => ({ timeoutMs: 5_000, followRedirects: true, maxRedirects: 5, urlField: 'URL', ...more });

function request(url: string, method = 'GET', body?: string): OutgoingRequest {
	const headers: Record<string, string> = { Accept: 'application/json', Cookie: 'session=1' };
	if (body !== undefined) Object.assign(headers, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(body)) });
	return { method, url: new URL(url), headers, body };
}

async function refusal(run: () => Promise<unknown>): Promise<ConfigError> {
	const error = await run().then(
		() => undefined,
		(e: unknown) => e,
	);
	if (error instanceof ConfigError) return error;
	throw new Error(`expected a ConfigError, got ${String(error)}`);
}

const redirectTo = (location: string, status = 302) => ({ status, headers: { location } });

it('sends the credential and returns the response', async () => {
	const response = await exchange(session(), request(`${api.url}/a`), options(), session().newTrace());
	expect(response.status).toBe(200);
	expect(api.requests).toHaveLength(1);
	expect(api.requests[0].headers['x-api-key']).toBe(KEY);
});

it('refuses a URL outside the allowed domains before anything is sent', async () => {
	const error = await refusal(() => exchange(session('127.0.0.2'), request(`${api.url}/a`), options({ urlField: 'The URL' }), session().newTrace()));
	expect(error.field).toBe('The URL');
	expect(api.requests).toHaveLength(0);
});

it("refuses every request when the credential's Allowed HTTP Request Domains is None, before anything is sent", async () => {
	const none = openSession('apiAuthApiKey', { apiKey: KEY, parameterName: 'X-API-Key', allowedHttpRequestDomains: 'none' }, { clock: systemClock, logger: silentLogger });
	const error = await refusal(() => exchange(none, request(`${api.url}/a`), options(), none.newTrace()));
	expect(error.field).toBe('Allowed HTTP Request Domains');
	expect(api.requests).toHaveLength(0);
});

it('reports the answer of every hop that carried the credential, and of none after it was dropped', async () => {
	api.setHandler((req) => (req.path === '/from' ? redirectTo('/to') : redirectTo(`${other.url}/x`)));
	other.setHandler(() => ({ status: 200 }));
	const base = session();
	const answered: string[] = [];
	const s: AuthSession = {
		...base,
		authenticator: {
			apply: (r, t, c) => base.authenticator.apply(r, t, c),
			strip: (r) => base.authenticator.strip(r),
			answered: () => answered.push(`answer ${answered.length + 1}`),
		},
	};
	expect((await exchange(s, request(`${api.url}/from`), options(), s.newTrace())).status).toBe(200);
	// /from and /to carried the key; the hop to the other origin did not.
	expect(answered).toEqual(['answer 1', 'answer 2']);
	expect(other.requests).toHaveLength(1);
});

it('keeps the credential and cookies on a same-origin redirect', async () => {
	api.setHandler((req) => (req.path === '/from' ? redirectTo('/to') : { status: 200, body: { at: req.path } }));
	const response = await exchange(session(), request(`${api.url}/from`), options(), session().newTrace());
	expect(response.status).toBe(200);
	expect(api.requests.map((r) => [r.path, r.headers['x-api-key'], r.headers.cookie])).toEqual([
		['/from', KEY, 'session=1'],
		['/to', KEY, 'session=1'],
	]);
});

it('drops the credential and cookies on a cross-origin redirect, also on the hops after it', async () => {
	api.setHandler((req) => (req.path === '/from' ? redirectTo(`${other.url}/hop`) : { status: 200 }));
	other.setHandler((req) => (req.path === '/hop' ? redirectTo('/end', 307) : { status: 200 }));
	const response = await exchange(session(), request(`${api.url}/from`), options(), session().newTrace());
	expect(response.status).toBe(200);
	expect(other.requests.map((r) => [r.path, r.headers['x-api-key'], r.headers.cookie, r.headers.accept])).toEqual([
		['/hop', undefined, undefined, 'application/json'],
		['/end', undefined, undefined, 'application/json'],
	]);
});

it('refuses a redirect to a host outside the allowed domains, naming it', async () => {
	api.setHandler(() => redirectTo(`${other.url}/x`));
	const error = await refusal(() => exchange(session('127.0.0.1'), request(`${api.url}/from`), options(), session().newTrace()));
	expect(error.message).toBe(`URL: the server redirected to 127.0.0.2:${other.port}, which is not in the credential's allowed domains`);
	expect(error.fix).toContain('"127.0.0.2"');
	expect(other.requests).toHaveLength(0);
});

it('returns the redirect itself when redirects are not followed, or when it has no Location', async () => {
	api.setHandler(() => redirectTo('/to'));
	expect((await exchange(session(), request(`${api.url}/from`), options({ followRedirects: false }), session().newTrace())).status).toBe(302);
	api.setHandler(() => ({ status: 301 }));
	expect((await exchange(session(), request(`${api.url}/from`), options(), session().newTrace())).status).toBe(301);
	expect(api.requests).toHaveLength(2);
});

it('follows any redirect status only: 300 and 304 are answers', async () => {
	for (const status of [300, 304]) {
		api.setHandler(() => redirectTo('/to', status));
		expect((await exchange(session(), request(`${api.url}/from`), options(), session().newTrace())).status).toBe(status);
	}
	expect(api.requests.map((r) => r.path)).toEqual(['/from', '/from']);
});

it('stops after Maximum Redirects, naming the last target', async () => {
	let n = 0;
	api.setHandler(() => redirectTo(`/r${++n}`));
	const error = await refusal(() => exchange(session(), request(`${api.url}/start`), options({ maxRedirects: 2 }), session().newTrace()));
	expect(error.message).toBe(`URL: more than 2 redirects, the last to ${api.url}/r3`);
	expect(error.fix).toMatch(/Maximum Redirects/);
	expect(api.requests).toHaveLength(3);
});

describe('methods and bodies on redirects', () => {
	it.each([
		[301, 'POST', 'GET', ''],
		[302, 'POST', 'GET', ''],
		[303, 'POST', 'GET', ''],
		[303, 'PUT', 'GET', ''],
		[303, 'HEAD', 'HEAD', ''],
		[301, 'PUT', 'PUT', 'payload'],
		[302, 'DELETE', 'DELETE', 'payload'],
		[307, 'POST', 'POST', 'payload'],
		[308, 'POST', 'POST', 'payload'],
	])('%i after %s: %s', async (status, method, nextMethod, nextBody) => {
		api.setHandler((req) => (req.path === '/from' ? redirectTo('/to', status) : { status: 200 }));
		await exchange(session(), request(`${api.url}/from`, method, method === 'HEAD' ? undefined : 'payload'), options(), session().newTrace());
		const second = api.requests[1];
		expect([second.method, second.body.toString()]).toEqual([nextMethod, nextBody]);
		if (nextBody === '' && method !== 'HEAD') {
			expect(second.headers['content-type']).toBeUndefined();
			expect(second.headers['content-length']).toBeUndefined();
		} else if (nextBody) {
			expect(second.headers['content-type']).toBe('text/plain');
		}
	});

	it('drops Transfer-Encoding with the body when a streamed POST becomes a GET', async () => {
		api.setHandler((req) => (req.path === '/from' ? redirectTo('/to', 302) : { status: 200 }));
		// A stream of unknown length travels chunked (as n8n's binary uploads can).
		const streamed: OutgoingRequest = {
			method: 'POST',
			url: new URL(`${api.url}/from`),
			headers: { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' },
			body: Readable.from([Buffer.from('pay'), Buffer.from('load')]),
		};
		await exchange(session(), streamed, options(), session().newTrace());
		expect(api.requests.map((r) => [r.method, r.headers['transfer-encoding'], r.headers['content-type'], r.body.toString()])).toEqual([
			['POST', 'chunked', 'application/octet-stream', 'payload'],
			['GET', undefined, undefined, ''],
		]);
	});

	it('rebuilds a one-shot body for the resend', async () => {
		let builds = 0;
		api.setHandler((req) => (req.path === '/from' ? redirectTo('/to', 307) : { status: 200 }));
		const req = request(`${api.url}/from`, 'POST', 'first');
		req.rebuildBody = () => `rebuilt-${++builds}`;
		req.headers['Content-Length'] = String('rebuilt-1'.length);
		await exchange(session(), req, options(), session().newTrace());
		expect(api.requests.map((r) => r.body.toString())).toEqual(['rebuilt-1', 'rebuilt-2']);
	});

	it('takes the first Location when there are several', async () => {
		api.setHandler((req) => (req.path === '/from' ? { status: 302, headers: { location: ['/first'] } } : { status: 200 }));
		await exchange(session(), request(`${api.url}/from`), options(), session().newTrace());
		expect(api.requests[1].path).toBe('/first');
	});
});

describe('one retry after a renewal', () => {
	/** The API key authenticator with a renew() that says yes `renewals` times. */
	function renewing(base: AuthSession, renewals: number): AuthSession & { statuses: number[] } {
		const statuses: number[] = [];
		const authenticator: Authenticator = {
			apply: (r, t, c) => base.authenticator.apply(r, t, c),
			strip: (r) => base.authenticator.strip(r),
			renew: async (response) => {
				statuses.push(response.status);
				return statuses.length <= renewals;
			},
		};
		return { ...base, authenticator, statuses };
	}

	it('resends the original request once after renew() says yes, then returns what it gets', async () => {
		api.setHandler((req) => (req.path === '/from' ? redirectTo('/to') : { status: 401 }));
		const s = renewing(session(), 5);
		const response = await exchange(s, request(`${api.url}/from`, 'POST', 'payload'), options({ maxRedirects: 1 }), s.newTrace());
		expect(response.status).toBe(401);
		expect(s.statuses).toEqual([401]);
		// The retry starts from the original request again (method, body, path), redirect count reset.
		expect(api.requests.map((r) => [r.method, r.path])).toEqual([
			['POST', '/from'],
			['GET', '/to'],
			['POST', '/from'],
			['GET', '/to'],
		]);
		expect(api.requests[2].body.toString()).toBe('payload');
	});

	it('fails, saying so, when the API still says "expired" under a 2xx status after the renewal; a 4xx is returned as it is', async () => {
		api.setHandler(() => ({ status: 200, body: { error: 'token_expired' } }));
		const s = renewing(session(), 5);
		const still = { ...s, authenticator: { ...s.authenticator, expiredBy: () => 'error is token_expired' } };
		const error = await exchange(still, request(`${api.url}/x`), options(), still.newTrace()).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(ApiResponseError);
		expect((error as ApiResponseError).message).toBe(`${api.url}/x: the API still says the token expired (error is token_expired) after it was renewed`);
		expect((error as ApiResponseError).fix).toMatch(/^Check Token Expired Body Path and Values/);
		// The answer is not quoted: it came back to a request carrying the new token.
		expect((error as ApiResponseError).body).toBe('');
		expect(api.requests).toHaveLength(2);
		api.setHandler(() => ({ status: 400, body: { error: 'token_expired' } }));
		expect((await exchange(still, request(`${api.url}/x`), options(), still.newTrace())).status).toBe(400);
	});

	it('judges a 2xx body "still expired" only after a renewal, and only where the credential went', async () => {
		const expired = (base: AuthSession & { statuses: number[] }) => ({ ...base, authenticator: { ...base.authenticator, expiredBy: () => 'error is token_expired' } });
		// No renewal (renew() said no): the answer is the result, whatever its body says.
		api.setHandler(() => ({ status: 200, body: { error: 'token_expired' } }));
		const unrenewed = expired(renewing(session(), 0));
		expect((await exchange(unrenewed, request(`${api.url}/x`), options(), unrenewed.newTrace())).status).toBe(200);
		// Renewed, then redirected to another origin without the credential: its answer is not about the token.
		let calls = 0;
		api.setHandler(() => (++calls === 1 ? { status: 401 } : redirectTo(`${other.url}/x`)));
		other.setHandler(() => ({ status: 200, body: { error: 'token_expired' } }));
		const renewed = expired(renewing(session(), 5));
		expect((await exchange(renewed, request(`${api.url}/x`), options(), renewed.newTrace())).status).toBe(200);
		expect(renewed.statuses).toEqual([401]);
		expect(other.requests).toHaveLength(1);
	});

	it('does not resend when renew() says no', async () => {
		api.setHandler(() => ({ status: 401 }));
		const s = renewing(session(), 0);
		expect((await exchange(s, request(`${api.url}/x`), options(), s.newTrace())).status).toBe(401);
		expect(api.requests).toHaveLength(1);
	});

	it('does not ask for a renewal after a cross-origin redirect dropped the credential', async () => {
		api.setHandler(() => redirectTo(`${other.url}/x`));
		other.setHandler(() => ({ status: 401 }));
		const s = renewing(session(), 5);
		expect((await exchange(s, request(`${api.url}/x`), options(), s.newTrace())).status).toBe(401);
		expect(s.statuses).toEqual([]);
	});
});

describe('the item timeout', () => {
	let auth: OAuth2TestServer;
	beforeAll(async () => {
		auth = await startOAuth2Server();
	});
	afterAll(async () => {
		await whenIdle();
		await auth.close();
	});

	it("waits for a slow token request up to the item's timeout: a token that takes 2.5 s arrives within 30 s", async () => {
		api.setHandler(() => ({ status: 200 }));
		auth.setFault({ kind: 'delay', ms: 2_500 });
		const oauth2 = openSession(
			'apiAuthOAuth2',
			{ grantType: 'clientCredentials', accessTokenUrl: auth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, allowedDomains: '127.0.0.1' },
			{ clock: systemClock, logger: silentLogger },
		);
		const response = await exchange(oauth2, request(`${api.url}/a`), options({ timeoutMs: 30_000 }), oauth2.newTrace());
		expect(response.status).toBe(200);
		expect(auth.tokenRequests).toHaveLength(1);
		expect(api.requests[0].headers.authorization).toMatch(/^Bearer \S+$/);
	});
});
