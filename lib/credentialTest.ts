/**
 * The editor's Test button: the same path as a real request (session → exchange), so Test and
 * Run cannot disagree. The result is a diagnosis the user can act on, never a secret.
 *
 * n8n shows nothing but "Connection tested successfully" on success, so OK is returned only when
 * something checked the credential itself:
 * - the endpoint (Test URL, else Base URL) accepted the request with the credential (2xx) and
 *   rejected the same request without it (401, 403, or a TLS refusal when a client certificate
 *   is set) — an endpoint that answers anyone proves nothing;
 * - or, for OAuth2, the token endpoint issued a token for the client (and the endpoint, when
 *   there is one, did not reject that token).
 * Anything else is an error that says the credential was saved but not verified, and which field
 * to fill in.
 */
import { BASE_URL_FIELD, TEST_URL_FIELD } from './auth/connection';
import type { Authenticator, AuthTrace } from './auth/types';
import { ApiResponseError, ConfigError, errorMessage, TokenRequestError, TransportError } from './errors';
import { exchange } from './exchange';
import { buildRequest } from './request/build';
import { assertAccepted } from './response/shape';
import { SecretRegistry } from './security/secretRegistry';
import { type AuthSession, openSession } from './session';
import { type CoreServices, redactingLogger } from './services';
import { displayUrl } from './transport/send';

export interface TestResult {
	status: 'OK' | 'Error';
	message: string;
}

const TEST_TIMEOUT_MS = 15_000;
const REJECTED = new Set([401, 403]);

/** Sends nothing of the credential: the control request of a test. */
const ANONYMOUS: Authenticator = { apply() {}, strip() {} };

type Probe = { verified: true; message: string } | { verified: false; reason: string };

export const NOT_VERIFIED = 'The credential was saved, but Test could not verify it';

export function notVerified(reason: string, field: string): string {
	return `${NOT_VERIFIED}: ${reason}. Set ${field} to an endpoint of your API that requires authentication (for example /me), then test again.`;
}

export async function testCredential(credentialType: string, raw: Record<string, unknown>, services: CoreServices): Promise<TestResult> {
	const secrets = new SecretRegistry();
	try {
		const session = openSession(credentialType, raw, { ...services, logger: redactingLogger(services.logger, secrets) }, secrets);
		const { testUrl, baseUrl } = session.connection;
		const tokenNote = session.authenticator.warmUp ? await session.authenticator.warmUp() : undefined;
		const target = testUrl ? { url: testUrl, field: TEST_URL_FIELD } : baseUrl ? { url: baseUrl.href, field: BASE_URL_FIELD } : undefined;
		const probe: Probe = target
			? await probeEndpoint(session, target.url, target.field)
			: { verified: false, reason: 'neither Test URL nor Base URL is set, so no request was made' };
		// What the token request found stays in the message: where the token was, when it expires.
		if (probe.verified) return { status: 'OK', message: tokenNote ? `${tokenNote} ${probe.message}` : probe.message };
		if (tokenNote) return { status: 'OK', message: `${tokenNote} Set a Test URL to check that your API accepts the token as well.` };
		return { status: 'Error', message: notVerified(probe.reason, TEST_URL_FIELD) };
	} catch (error) {
		return { status: 'Error', message: secrets.redactor.text(describeFailure(error)) };
	}
}

/** GET with the credential, then (after a 2xx) the same GET without it. Throws when the credential is rejected. */
async function probeEndpoint(session: AuthSession, url: string, field: string): Promise<Probe> {
	const request = buildRequest({ method: 'GET', url, query: [], arrayFormat: 'repeat', headers: [] }, session.connection.baseUrl);
	const options = { timeoutMs: TEST_TIMEOUT_MS, followRedirects: true, maxRedirects: 5, urlField: field };
	const where = displayUrl(request.url);
	const trace: AuthTrace = session.newTrace();
	const response = await exchange(session, request, options, trace);
	if (REJECTED.has(response.status)) assertAccepted(response, { format: 'text', fullResponse: false, neverError: false }, session.method.label);
	if (response.status < 200 || response.status >= 300) {
		return { verified: false, reason: `${field} ${where} answered ${response.status}, which says nothing about the credential` };
	}
	const { tls } = session.connection;
	const withoutClientCertificate = { ...tls, cert: undefined, key: undefined, passphrase: undefined, fingerprint: `${tls.fingerprint}:anonymous` };
	const anonymousSession: AuthSession = { ...session, authenticator: ANONYMOUS, connection: { ...session.connection, tls: withoutClientCertificate } };
	try {
		const control = await exchange(anonymousSession, request, options, session.newTrace());
		if (!REJECTED.has(control.status)) {
			return { verified: false, reason: `${field} ${where} answers ${control.status} without the credential too` };
		}
		return { verified: true, message: `Connection tested successfully: ${where} answered ${response.status} with the credential and ${control.status} without it.` };
	} catch (error) {
		// A server that requires a client certificate refuses the handshake without it.
		if (tls.cert && error instanceof TransportError) {
			return { verified: true, message: `Connection tested successfully: ${where} answered ${response.status} with the credential and refused the connection without its client certificate.` };
		}
		throw error;
	}
}

export function describeFailure(error: unknown): string {
	if (error instanceof ConfigError) return `${error.message}. ${error.fix}`;
	if (error instanceof ApiResponseError || error instanceof TokenRequestError || error instanceof TransportError) {
		return `${error.message}. ${error.fix}`;
	}
	return errorMessage(error);
}
