/**
 * The editor's Test button: the same path as a real request (session → exchange), so Test and
 * Run cannot disagree. The result is a diagnosis the user can act on, never a secret.
 */
import { type AuthTrace } from './auth/types';
import { ApiResponseError, ConfigError, errorMessage, TokenRequestError, TransportError } from './errors';
import { exchange } from './exchange';
import { buildRequest } from './request/build';
import { assertAccepted } from './response/shape';
import { SecretRegistry } from './security/secretRegistry';
import { openSession } from './session';
import type { CoreServices } from './services';

export interface TestResult {
	status: 'OK' | 'Error';
	message: string;
}

const TEST_TIMEOUT_MS = 15_000;

export async function testCredential(credentialType: string, raw: Record<string, unknown>, services: CoreServices): Promise<TestResult> {
	const secrets = new SecretRegistry();
	try {
		const session = openSession(credentialType, raw, services, secrets);
		const testUrl = session.connection.testUrl;
		if (!testUrl) {
			const tokenNote = session.authenticator.warmUp ? await session.authenticator.warmUp() : undefined;
			return {
				status: 'OK',
				message: `${tokenNote ?? 'The credential\'s fields are valid.'} Set a Test URL to check it against your API as well.`,
			};
		}
		const request = buildRequest({ method: 'GET', url: testUrl, query: [], arrayFormat: 'repeat', headers: [] }, session.connection.baseUrl);
		const trace: AuthTrace = session.newTrace();
		const response = await exchange(session, request, { timeoutMs: TEST_TIMEOUT_MS, followRedirects: true, maxRedirects: 5, urlField: 'Test URL' }, trace);
		assertAccepted(response, { format: 'text', fullResponse: false, neverError: false }, session.method.label);
		return { status: 'OK', message: `Connection tested successfully: ${request.url.origin}${request.url.pathname} answered ${response.status}.` };
	} catch (error) {
		return { status: 'Error', message: secrets.redactor.text(describeFailure(error)) };
	}
}

export function describeFailure(error: unknown): string {
	if (error instanceof ConfigError) return `${error.message}. ${error.fix}`;
	if (error instanceof ApiResponseError || error instanceof TokenRequestError || error instanceof TransportError) {
		return `${error.message}. ${error.fix}`;
	}
	return errorMessage(error);
}
