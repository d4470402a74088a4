/**
 * simple-oauth2 (5.1.0) behind one small interface, with its traps handled:
 * - its errors carry the outgoing request (the Basic header with the client secret): they are
 *   turned into TokenRequestError here and never passed on;
 * - its debug log prints the request options (secret included): its namespaces are switched off;
 * - invalid client id/secret characters make Joi errors that quote the value: settings.ts checks first;
 * - it reads only bodies labelled JSON: wreck is told to hand any other body over as bytes, which
 *   are read as JSON or as a form here (tokenAnswer.ts); a 2xx answer carrying `error` is an OAuth
 *   error like a 400 (GitHub answers 200 with bad_verification_code / bad_refresh_token);
 * - a redirect is reported, never followed: the client secret would travel with it.
 */
import { AuthorizationCode, ClientCredentials, type ModuleOptions, ResourceOwnerPassword } from 'simple-oauth2';
import { diagnoseKeyAuthFailure, diagnoseNetwork, diagnoseOAuthError, diagnoseStatus, revokesGrant } from '../diagnosis';
import { TokenRequestError } from '../errors';
import { retryAfterSeconds } from '../transport/retry';
import { displayUrl } from '../transport/send';
import type http from 'node:http';
import { clientRequestParts, keyAuthFailure } from './clientAuth';
import { JWT_BEARER_GRANT } from './jwtBearer';
import type { OAuth2Settings } from './settings';
import { decodeTokenAnswer, describeBody, type TokenAnswer } from './tokenAnswer';
import { valueAtPath as readPath } from '../json/paths';
import { silenceDebug } from '../security/silenceDebug';

silenceDebug('simple-oauth2', 'simple-oauth2:*');

export interface TokenTransport {
	agent: http.Agent;
	timeoutMs: number;
}

export type TokenPayload = Record<string, unknown>;

/**
 * simple-oauth2's options for one token request: the client authentication is made anew each
 * time (a private_key_jwt assertion is never sent twice), and its assertion registered for redaction.
 */
function moduleOptions(settings: OAuth2Settings, grantType: string, now: number): { options: ModuleOptions<string>; params: Record<string, string> } {
	const { tokenUrl } = settings;
	const parts = clientRequestParts(settings.clientAuth, { id: settings.clientId, secret: settings.clientSecret, tokenUrl }, grantType, now);
	settings.remember?.(parts.assertion);
	return {
		options: {
			client: parts.client,
			auth: {
				tokenHost: tokenUrl.origin,
				tokenPath: `${tokenUrl.pathname}${tokenUrl.search}`,
				...(settings.authUrl ? { authorizeHost: settings.authUrl.origin, authorizePath: `${settings.authUrl.pathname}${settings.authUrl.search}` } : {}),
			},
			options: { authorizationMethod: parts.authorizationMethod, scopeSeparator: ' ' },
		},
		params: parts.params,
	};
}

/** Marks the redirect a token endpoint answered; found again in toTokenRequestError. */
interface RefusedRedirect {
	redirect: { status: number; location: string };
}

/** wreck's hook before it follows a redirect: it never does (no secret leaves for another address). */
function refuseRedirect(_method: string, status: number, location: string, _headers: unknown, _options: unknown, next: (error?: Error) => void): void {
	next(Object.assign(new Error('the token endpoint redirected'), { redirect: { status, location } } satisfies RefusedRedirect));
}

function httpOptions(transport: TokenTransport): Record<string, unknown> {
	return {
		agent: transport.agent,
		timeout: transport.timeoutMs,
		// One redirect "allowed" so that wreck asks beforeRedirect, which refuses it; 303 included.
		redirects: 1,
		redirect303: true,
		beforeRedirect: refuseRedirect,
		// Not 'strict': a body not labelled JSON arrives as bytes instead of an error without it.
		json: true,
		headers: { 'User-Agent': 'n8n-nodes-api-auth' },
	};
}

/**
 * Parameters every token request of this credential carries besides the grant's own. A refresh
 * sends no scope: RFC 6749 §6 gives it the originally granted scope, and providers refuse a
 * refresh that names a scope the grant did not get (invalid_scope).
 */
export function commonParams(settings: OAuth2Settings, refresh = false): Record<string, string | string[]> {
	const params: Record<string, string | string[]> = { ...settings.extraParams };
	if (settings.scopes.length && !refresh) params.scope = settings.scopes.join(' ');
	if (settings.audience) params.audience = settings.audience;
	if (settings.resources.length) params.resource = settings.resources.length === 1 ? settings.resources[0] : settings.resources;
	return params;
}

/** Boom wraps the error refuseRedirect passes, keeping its `redirect` on itself. */
interface BoomLike extends Partial<RefusedRedirect> {
	message?: string;
	code?: string;
	output?: { statusCode?: number };
	data?: {
		payload?: unknown;
		res?: { statusCode?: number; headers?: Record<string, string | string[] | undefined> };
		/** When Boom could not merge the network error (another realm's Error), it sits here. */
		code?: string;
		message?: string;
	} | null;
}

function header(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** An OAuth error answer (RFC 6749 §5.2), whatever its status: the diagnosis names the fix. */
function oauthFailure(
	prefix: string,
	endpoint: string,
	answer: { status: number; body: TokenAnswer; retryAfter?: number; date?: string },
	settings: OAuth2Settings,
	refreshing: boolean,
	now: number,
): TokenRequestError | undefined {
	const { status, body } = answer;
	const oauthError = typeof body.error === 'string' && body.error ? body.error : undefined;
	if (!oauthError) return undefined;
	const oauthErrorDescription = typeof body.error_description === 'string' ? body.error_description : undefined;
	const detail = oauthErrorDescription ? ` (${oauthErrorDescription})` : '';
	// The exact 2xx status is not known here (simple-oauth2 keeps it), and does not matter.
	const where = status < 300 ? `a successful answer carrying error ${oauthError}` : `HTTP ${status}, ${oauthError}`;
	const keyed = keyAuthFailure(settings, oauthError, oauthErrorDescription, answer.date, now);
	const oauth = keyed ? diagnoseKeyAuthFailure(keyed) : diagnoseOAuthError(oauthError, settings.grant, refreshing, {
		// Key-based client authentication has no secret by design.
		clientSecretEmpty: !settings.clientSecret && (settings.clientAuth.method === 'header' || settings.clientAuth.method === 'body'),
	});
	if (!oauth && status >= 300) return undefined;
	return new TokenRequestError(`${prefix}: ${where}${detail}${oauth ? `: ${oauth.summary}` : ''}`, {
		endpoint,
		status,
		oauthError,
		oauthErrorDescription,
		fix: oauth?.fix ?? 'The provider refused the token request; see its documentation for this error code.',
		grantRevoked: revokesGrant(oauthError, refreshing),
		retryAfterSeconds: answer.retryAfter,
	});
}

/** simple-oauth2 / wreck failure → TokenRequestError with the endpoint, status, OAuth error and fix. */
export function toTokenRequestError(error: unknown, settings: OAuth2Settings, refreshing: boolean, now: number): TokenRequestError {
	const e = error as BoomLike;
	const endpoint = displayUrl(settings.tokenUrl);
	const prefix = `Token request to ${endpoint} failed`;
	const { redirect } = e;
	if (redirect) {
		const target = new URL(redirect.location, settings.tokenUrl);
		return new TokenRequestError(`${prefix}: the token endpoint redirected to ${target.host}; use the final URL`, {
			endpoint,
			status: redirect.status,
			fix: `Set the Access Token URL to the address it redirects to (${displayUrl(target)}). Token requests never follow redirects: the client secret would go with them.`,
		});
	}
	const res = e.data?.res;
	const status = res?.statusCode;
	const retryAfter = retryAfterSeconds(header(res?.headers?.['retry-after']), now);

	if (status === undefined) {
		const message = `${e.message ?? ''} ${e.data?.message ?? ''}`;
		const timedOut = /timeout/i.test(message) || e.output?.statusCode === 504;
		const code = timedOut ? 'ETIMEDOUT' : (e.code ?? e.data?.code);
		const net = diagnoseNetwork(code, message, settings.tokenUrl.host);
		const outcomeUnknown = timedOut || code === 'ECONNRESET' || code === 'EPIPE';
		return new TokenRequestError(`${prefix}: ${timedOut ? `no answer within the timeout` : net.summary}`, {
			endpoint,
			fix: outcomeUnknown && refreshing
				? 'The provider may have renewed the token without the answer arriving. Retry later; if it keeps failing, reconnect the credential.'
				: net.fix,
			outcomeUnknown,
		});
	}

	const payload = e.data?.payload;
	const body = Buffer.isBuffer(payload) ? decodeTokenAnswer(payload) : payload && typeof payload === 'object' ? (payload as TokenAnswer) : undefined;
	const oauth = body && oauthFailure(prefix, endpoint, { status, body, retryAfter, date: header(res?.headers?.date) }, settings, refreshing, now);
	if (oauth) return oauth;
	const oauthError = typeof body?.error === 'string' ? body.error : undefined;
	const oauthErrorDescription = typeof body?.error_description === 'string' ? body.error_description : undefined;
	const contentType = header(res?.headers?.['content-type']) ?? 'no content type';

	if (status >= 200 && status < 300) {
		const malformed = Buffer.isBuffer(payload);
		return new TokenRequestError(
			malformed ? `${prefix}: the answer is not valid JSON` : `${prefix}: the answer is ${contentType.split(';')[0]}, not JSON`,
			{ endpoint, status, fix: 'Check the Access Token URL: it must be the provider\'s token endpoint, not a login page or the API itself.' },
		);
	}
	const generic = diagnoseStatus(status, 'oauth2');
	return new TokenRequestError(`${prefix}: HTTP ${status}${oauthError ? `, ${oauthError}` : ''}${generic ? `: ${generic.summary.replace(/^the API/, 'the token endpoint')}` : ''}`, {
		endpoint,
		status,
		oauthError,
		oauthErrorDescription,
		fix: status === 404 ? 'Check the Access Token URL.' : status >= 500 || status === 429 ? 'The token endpoint is failing; the request is retried with back-off.' : 'Check the client ID, client secret and Client Authentication setting.',
		retryAfterSeconds: retryAfter,
	});
}

/**
 * The answer as the endpoint sent it. simple-oauth2 adds an `expires_at` Date derived from
 * `expires_in` (dropped: the lifetime is counted here), and spreads a body wreck left as bytes
 * into an object of byte values (put back together and decoded).
 */
function sentAnswer(token: Record<string, unknown>): TokenAnswer | Buffer {
	if (typeof token['0'] === 'number') {
		const bytes: number[] = [];
		for (let i = 0; typeof token[i] === 'number'; i++) bytes.push(token[i] as number);
		const body = Buffer.from(bytes);
		return decodeTokenAnswer(body) ?? body;
	}
	const answer = { ...token };
	if (answer.expires_at instanceof Date && 'expires_in' in answer) delete answer.expires_at;
	return answer;
}

/** A 2xx answer: the token fields, or the OAuth error or unreadable body it carries instead. */
function tokenOrFailure(token: Record<string, unknown>, settings: OAuth2Settings, refreshing: boolean, now: number): TokenPayload {
	const endpoint = displayUrl(settings.tokenUrl);
	const prefix = `Token request to ${endpoint} failed`;
	const answer = sentAnswer(token);
	if (Buffer.isBuffer(answer)) {
		throw new TokenRequestError(`${prefix}: the answer is ${describeBody(answer)}, not JSON or a form`, {
			endpoint,
			status: 200,
			fix: 'Check the Access Token URL: it must be the provider\'s token endpoint, not a login page or the API itself.',
		});
	}
	const accessToken = readPath(answer, settings.mapping.accessToken);
	if (typeof accessToken !== 'string' || !accessToken) {
		const oauth = oauthFailure(prefix, endpoint, { status: 200, body: answer }, settings, refreshing, now);
		if (oauth) throw oauth;
	}
	return answer;
}

async function call(settings: OAuth2Settings, refreshing: boolean, now: () => number, run: () => Promise<{ token: Record<string, unknown> }>): Promise<TokenPayload> {
	let token: Record<string, unknown>;
	try {
		token = (await run()).token;
	} catch (error) {
		throw toTokenRequestError(error, settings, refreshing, now());
	}
	return tokenOrFailure(token, settings, refreshing, now());
}

export async function requestGrant(settings: OAuth2Settings, transport: TokenTransport, now: () => number): Promise<TokenPayload> {
	return await call(settings, false, now, async () => {
		if (settings.grant === 'password') {
			const { options, params } = moduleOptions(settings, 'password', now());
			const client = new ResourceOwnerPassword(options);
			return await client.getToken({ ...commonParams(settings), ...params, username: settings.username as string, password: settings.password as string } as never, httpOptions(transport));
		}
		const { options, params } = moduleOptions(settings, 'client_credentials', now());
		return await new ClientCredentials(options).getToken({ ...commonParams(settings), ...params } as never, httpOptions(transport));
	});
}

/**
 * The JWT bearer grant (RFC 7523 §2.1): `assertion` is the grant. The grant type is set through
 * the parameters (simple-oauth2 lets them override its own), and the scope goes where the
 * credential says: a claim of the assertion, a parameter, or both.
 */
export async function requestJwtBearer(settings: OAuth2Settings, assertion: string, transport: TokenTransport, now: () => number): Promise<TokenPayload> {
	return await call(settings, false, now, async () => {
		const { options, params } = moduleOptions(settings, JWT_BEARER_GRANT, now());
		const common = commonParams(settings);
		if (settings.jwtBearer?.scopeIn === 'claim') delete common.scope;
		return await new ClientCredentials(options).getToken({ ...common, ...params, grant_type: JWT_BEARER_GRANT, assertion } as never, httpOptions(transport));
	});
}

export async function requestRefresh(settings: OAuth2Settings, refreshToken: string, transport: TokenTransport, now: () => number): Promise<TokenPayload> {
	return await call(settings, true, now, async () => {
		const { options, params } = moduleOptions(settings, 'refresh_token', now());
		const client = new AuthorizationCode(options);
		return await client.createToken({ refresh_token: refreshToken }).refresh({ ...commonParams(settings, true), ...params } as never, httpOptions(transport));
	});
}

/** The URL the user opens to authorize the client (authorization code with PKCE). */
export function authorizationUrl(settings: OAuth2Settings, params: { redirectUri: string; state: string; codeChallenge: string }): string {
	// The authorization URL carries only client_id: no assertion is made for it.
	const client = new AuthorizationCode(moduleOptions({ ...settings, clientAuth: { method: 'body' } }, 'authorization_code', 0).options);
	const extra: Record<string, string> = { code_challenge: params.codeChallenge, code_challenge_method: 'S256' };
	if (settings.audience) extra.audience = settings.audience;
	return client.authorizeURL({
		redirect_uri: params.redirectUri,
		scope: settings.scopes.join(' ') || undefined,
		state: params.state,
		...extra,
	} as never);
}

export async function exchangeCode(
	settings: OAuth2Settings,
	params: { code: string; redirectUri: string; codeVerifier: string },
	transport: TokenTransport,
	now: () => number,
): Promise<TokenPayload> {
	return await call(settings, false, now, async () => {
		const { options, params: clientParams } = moduleOptions(settings, 'authorization_code', now());
		const client = new AuthorizationCode(options);
		return await client.getToken(
			{ ...commonParams(settings), ...clientParams, code: params.code, redirect_uri: params.redirectUri, code_verifier: params.codeVerifier } as never,
			httpOptions(transport),
		);
	});
}
