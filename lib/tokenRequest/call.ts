/**
 * Sends a login or refresh request with the package's transport (the credential's TLS and proxy
 * pool, no redirects) and turns every failure into a TokenRequestError: the status, the server's
 * own error text (redacted), Retry-After, and whether a refresh token was refused.
 */
import { diagnoseStatus } from '../diagnosis';
import { TokenRequestError, TransportError } from '../errors';
import type { Redactor } from '../security/redact';
import type { TokenCall } from '../tokens/source';
import { responseHeader } from '../transport/headers';
import { retryAfterSeconds } from '../transport/retry';
import { displayUrl, send } from '../transport/send';
import type { HttpResponse, OutgoingRequest } from '../transport/types';
import { type RequestSpec, TOKEN_REQUEST_FIELDS as F, type TokenRequestSettings } from './settings';
import type { TemplateValues } from './template';

/** A refused login is not repeated sooner than this: repeating a wrong password locks accounts. */
export const REFUSED_LOGIN_PAUSE_SECONDS = 60;

export function buildTokenRequest(spec: RequestSpec, settings: TokenRequestSettings, values: TemplateValues): OutgoingRequest {
	const headers: Record<string, string> = { Accept: 'application/json, text/plain;q=0.9, */*;q=0.5', 'User-Agent': 'n8n-nodes-api-auth' };
	if (spec.body.contentType) headers['Content-Type'] = spec.body.contentType;
	if (spec.auth === 'basic') headers.Authorization = `Basic ${Buffer.from(`${values.username}:${values.password}`).toString('base64')}`;
	if (spec.auth === 'apiKey') headers[settings.apiKeyHeader] = values.apiKey as string;
	Object.assign(headers, spec.headers.render(values));
	return { method: spec.method, url: new URL(spec.url.href), headers, body: spec.body.render(values) };
}

/** The server's own words about a failure: a common error field of a JSON answer, or short plain text. */
function serverText(response: HttpResponse): string | undefined {
	const text = response.body.toString('utf8').trim();
	if (!text || /^</.test(text)) return undefined;
	try {
		const json = JSON.parse(text) as Record<string, unknown>;
		const nested = json.error && typeof json.error === 'object' ? (json.error as Record<string, unknown>) : {};
		const found = [json.error_description, json.message, nested.message, json.error, json.detail, json.title, json.msg].find((v) => typeof v === 'string' && v.trim());
		return found === undefined ? undefined : String(found).slice(0, 200);
	} catch {
		return text.length <= 200 ? text : `${text.slice(0, 200)}…`;
	}
}

export interface CallOptions {
	call: TokenCall;
	redactor: Redactor;
	/** Statuses that mean "this refresh token is refused"; absent for the login. */
	refusedStatuses?: number[];
}

export async function sendTokenRequest(spec: RequestSpec, request: OutgoingRequest, { call, redactor, refusedStatuses }: CallOptions): Promise<HttpResponse> {
	const endpoint = displayUrl(spec.url);
	const what = refusedStatuses ? 'Refresh request' : 'Login request';
	const prefix = `${what} to ${endpoint} failed`;
	let response: HttpResponse;
	try {
		response = await send(request, { agent: call.agent, timeoutMs: call.timeoutMs });
	} catch (error) {
		if (!(error instanceof TransportError)) throw error;
		throw new TokenRequestError(`${prefix}: ${error.message.replace(/^Request to \S+ failed: /, '')}`, { endpoint, fix: error.fix, outcomeUnknown: error.maybeDelivered });
	}
	const { status } = response;
	if (status >= 200 && status < 300) return response;
	const detail = serverText(response);
	const said = detail ? ` (the server says: "${redactor.text(detail)}")` : '';
	const retryAfter = retryAfterSeconds(responseHeader(response.headers, 'retry-after'), call.now());
	if (status >= 300 && status < 400) {
		const location = responseHeader(response.headers, 'location');
		let target = '';
		try {
			target = location ? ` to ${displayUrl(new URL(location, spec.url))}` : '';
		} catch {
			/* an unreadable Location: say only that it redirected */
		}
		throw new TokenRequestError(`${prefix}: HTTP ${status}, a redirect${target}; redirects are not followed with credentials`, { endpoint, status, fix: `Set ${spec.urlField} to the final URL.` });
	}
	if (refusedStatuses?.includes(status)) {
		throw new TokenRequestError(`${prefix}: HTTP ${status}, the refresh token was refused${said}`, {
			endpoint,
			status,
			fix: 'A new login is made when the credential can log in; otherwise check the refresh settings.',
			grantRevoked: true,
		});
	}
	const refusedLogin = !refusedStatuses && (status === 400 || status === 401 || status === 403);
	const generic = diagnoseStatus(status);
	const summary = refusedLogin ? 'the login was refused' : generic ? generic.summary.replace(/^the API/, 'the token endpoint') : 'unexpected status';
	throw new TokenRequestError(`${prefix}: HTTP ${status}, ${summary}${said}`, {
		endpoint,
		status,
		fix: refusedLogin
			? `Check ${F.username}, ${F.password} (or ${F.apiKey}) and ${F.loginBody}. No new login is sent for ${REFUSED_LOGIN_PAUSE_SECONDS} s or until the credential changes, so a locked account is not hammered.`
			: status === 404 ? `Check ${spec.urlField}.` : status === 429 || status >= 500 ? 'The token endpoint is failing or rate limiting; the request is retried with back-off.' : `Check ${spec.urlField} and the request settings.`,
		retryAfterSeconds: refusedLogin ? Math.max(retryAfter ?? 0, REFUSED_LOGIN_PAUSE_SECONDS) : retryAfter,
	});
}
