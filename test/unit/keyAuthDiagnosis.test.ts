/**
 * What a refused key- or certificate-based token request means (lib/diagnosis.ts, fed by
 * lib/oauth2/clientAuth.ts): the answer's description and Date header decide between clock skew,
 * wrong audience, a client registered for another method, and the key or certificate itself.
 */
import { generateKeyPairSync } from 'node:crypto';
import { diagnoseKeyAuthFailure } from '../../lib/diagnosis';
import { type ClientAuth, keyAuthFailure } from '../../lib/oauth2/clientAuth';

const tokenUrl = new URL('https://login.example.test/tenant/oauth2/v2.0/token');
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pkjwt: ClientAuth = { method: 'private_key_jwt', signing: { alg: 'ES256', key, kid: 'cert-1' } };
const now = Date.parse('2026-12-01T12:00:00Z');

const diagnose = (clientAuth: ClientAuth, error: string, description?: string, date?: string) => {
	const failure = keyAuthFailure({ clientAuth, tokenUrl }, error, description, date, now);
	return failure && diagnoseKeyAuthFailure(failure);
};

describe('key-based client authentication refused', () => {
	it('a server clock 5 minutes ahead: clock skew, with the server\'s time, whatever the description says', () => {
		const result = diagnose(pkjwt, 'invalid_client', 'client authentication failed', 'Tue, 01 Dec 2026 12:05:00 GMT');
		expect(result?.summary).toBe("clock skew: the server's clock (2026-12-01T12:05:00.000Z) is 300 s ahead of this host's, so the assertion's iat/exp look expired to it (private_key_jwt, ES256, kid=cert-1)");
		expect(result?.fix).toMatch(/NTP/);
	});

	it('a server clock behind: the assertion looks not yet valid', () => {
		expect(diagnose(pkjwt, 'invalid_client', undefined, 'Tue, 01 Dec 2026 11:58:00 GMT')?.summary).toMatch(/120 s behind this host's, so the assertion's iat\/exp look not yet valid/);
	});

	it('a second of Date resolution is not skew', () => {
		expect(diagnose(pkjwt, 'invalid_client', 'client authentication failed', 'Tue, 01 Dec 2026 11:59:59 GMT')?.summary).toMatch(/did not accept the signed assertion \(private_key_jwt, ES256, kid=cert-1\)/);
	});

	it.each([
		['Entra ID', 'AADSTS700024: Client assertion is not within its valid time range.'],
		['Google', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.'],
	])('%s naming the time range without a Date header: clock skew', (_provider, description) => {
		expect(diagnose(pkjwt, 'invalid_client', description)?.summary).toMatch(/^clock skew: the server found the assertion expired or not yet valid \(iat\/exp\)/);
	});

	it('an audience complaint: names the aud sent and the field that sets it', () => {
		const result = diagnose(pkjwt, 'invalid_client', 'audience (aud) must equal the endpoint url');
		expect(result?.summary).toBe("the server refused the assertion's audience (aud = https://login.example.test/tenant/oauth2/v2.0/token)");
		expect(result?.fix).toMatch(/Access Token URL/);
	});

	it('a client registered for another method', () => {
		const result = diagnose(pkjwt, 'invalid_client', 'The client is not configured to use the private_key_jwt token_endpoint_auth_method');
		expect(result?.summary).toMatch(/not registered for this client authentication \(private_key_jwt\)/);
		expect(result?.fix).toMatch(/Choose the Client Authentication the client is registered for/);
	});

	it('certificates are never blamed on the clock', () => {
		expect(diagnose({ method: 'tls_client_auth' }, 'invalid_client', 'client authentication failed', 'Tue, 01 Dec 2026 12:05:00 GMT')?.summary).toMatch(/did not accept the TLS client certificate/);
	});

	it('secret-based clients and unrelated errors keep the general table', () => {
		expect(diagnose({ method: 'header' }, 'invalid_client')).toBeUndefined();
		expect(diagnose(pkjwt, 'invalid_scope')).toBeUndefined();
		expect(diagnose(pkjwt, 'invalid_grant')).toBeUndefined();
		expect(diagnose(pkjwt, 'invalid_request', 'missing resource parameter')).toBeUndefined();
		expect(diagnose(pkjwt, 'invalid_request', 'client_assertion_type must be provided')?.summary).toMatch(/not registered for this client authentication/);
	});
});
