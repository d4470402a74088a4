/**
 * The path of one request carrying a credential: URL policy check, the credential applied,
 * the request sent, redirects followed by the rules below, and one retry after the credential
 * was renewed (a token after 401, or after a body that says the token expired).
 *
 * Redirect rules: same origin keeps the credential; a cross-origin redirect drops it (the
 * Authorization header, the API key header or query parameter, cookies, the client certificate), and its target must
 * still be an allowed domain. 301/302/303 turn a POST into a body-less GET, 307/308 resend as is.
 */
import { assertApiCallsAllowed } from './auth/connection';
import type { AuthTrace, RequestContext } from './auth/types';
import { clock } from './clock';
import { ApiResponseError, ConfigError } from './errors';
import type { AuthSession } from './session';
import { assertMaySendSecrets, isHostAllowed } from './security/urlPolicy';
import { agentFor } from './transport/agents';
import { removeHeader } from './transport/headers';
import { displayUrl, send } from './transport/send';
import { withoutClientCertificate } from './transport/tls';
import type { HttpResponse, OutgoingRequest } from './transport/types';

export interface ExchangeOptions {
	timeoutMs: number;
	followRedirects: boolean;
	maxRedirects: number;
	/** The parameter the URL came from, named in policy errors. */
	urlField: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function copyRequest(request: OutgoingRequest): OutgoingRequest {
	return {
		method: request.method,
		url: new URL(request.url.href),
		// Not a spread: V8 makes adding a property (the credential's header) to a spread copy ~30× slower.
		headers: Object.assign({}, request.headers),
		body: request.rebuildBody ? request.rebuildBody() : request.body,
		rebuildBody: request.rebuildBody,
	};
}

function redirectRequest(previous: OutgoingRequest, response: HttpResponse): OutgoingRequest | undefined {
	const location = response.headers.location;
	const target = Array.isArray(location) ? location[0] : location;
	if (!target) return undefined;
	const next = copyRequest(previous);
	next.url = new URL(target, previous.url);
	const becomesGet =
		response.status === 303 ? previous.method !== 'HEAD' : (response.status === 301 || response.status === 302) && previous.method === 'POST';
	if (becomesGet) {
		next.method = 'GET';
		next.body = undefined;
		next.rebuildBody = undefined;
		for (const name of ['Content-Type', 'Content-Length', 'Transfer-Encoding']) removeHeader(next.headers, name);
	}
	return next;
}

export async function exchange(
	session: AuthSession,
	request: OutgoingRequest,
	options: ExchangeOptions,
	trace: AuthTrace,
): Promise<HttpResponse> {
	const { authenticator, connection } = session;
	assertApiCallsAllowed(connection);
	const context: RequestContext = { deadline: clock().now() + options.timeoutMs };
	let renewed = false;
	let current = copyRequest(request);
	let authenticated = true;
	let redirects = 0;

	for (;;) {
		if (authenticated) {
			assertMaySendSecrets(current.url, connection.policy, options.urlField);
			await authenticator.apply(current, trace, context);
		}
		const response = await send(current, {
			// The client certificate authenticates like a header: it goes only where the credential does.
			agent: agentFor(current.url, authenticated ? connection.tls : withoutClientCertificate(connection.tls), connection.proxy),
			timeoutMs: options.timeoutMs,
			clientCertificate: Boolean(connection.tls.cert),
			customCa: Boolean(connection.tls.ca?.length),
		});
		if (authenticated) authenticator.answered?.(context);

		if (options.followRedirects && REDIRECT_STATUSES.has(response.status)) {
			const next = redirectRequest(current, response);
			if (next) {
				if (++redirects > options.maxRedirects) {
					throw new ConfigError(
						options.urlField,
						`more than ${options.maxRedirects} redirects, the last to ${displayUrl(next.url)}`,
						'Check the URL, or raise Maximum Redirects in the node options.',
					);
				}
				if (next.url.origin !== current.url.origin) {
					if (authenticated) authenticator.strip(next);
					removeHeader(next.headers, 'Cookie');
					authenticated = false;
					if (!isHostAllowed(next.url.hostname, connection.policy)) {
						throw new ConfigError(
							options.urlField,
							`the server redirected to ${next.url.host}, which is not in the credential's allowed domains`,
							`Add "${next.url.hostname}" to Allowed Domains if it may be called, or use the final URL directly.`,
						);
					}
				}
				current = next;
				continue;
			}
		}

		if (authenticated && !renewed && authenticator.renew && (await authenticator.renew(response, trace, context))) {
			renewed = true;
			current = copyRequest(request);
			redirects = 0;
			continue;
		}
		// One renewal, one retry, never a loop. A status says "failed" by itself; a body that still
		// says "expired" under a 2xx status would pass for a result.
		const stillExpired = authenticated && renewed && response.status < 400 ? authenticator.expiredBy?.(response) : undefined;
		if (stillExpired) {
			throw new ApiResponseError(`${displayUrl(response.url)}: the API still says the token expired (${stillExpired}) after it was renewed`, {
				status: response.status,
				url: response.url,
				fix: 'Check Token Expired Body Path and Values (they may match answers that are not about the token), and the scope and audience the API requires.',
				body: '',
			});
		}
		return response;
	}
}
