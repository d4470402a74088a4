/** The diagnosis table: what each failure means and what to fix (network failures simulated: tests never leave loopback). */
import { diagnoseNetwork, diagnoseOAuthError, diagnoseStatus } from '../../lib/diagnosis';
import { toTransportError } from '../../lib/transport/send';
import { toTokenRequestError } from '../../lib/oauth2/simpleOAuth2';
import type { OAuth2Settings } from '../../lib/oauth2/settings';

const url = new URL('https://api.example.test/v1/orders?api_key=5ecret-in-query');

describe('network and TLS failures', () => {
	it.each<[string, { code?: string; message: string }, RegExp, RegExp, boolean]>([
		['DNS', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.example.test' }, /could not be resolved \(DNS\)/, /Check the host name/, false],
		['DNS, temporary', { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN' }, /could not be resolved/, /Check the host name/, false],
		['refused', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, /refused the connection/, /Check the URL and port/, false],
		['timeout', { code: 'ECONNABORTED', message: 'timeout of 5000ms exceeded' }, /did not answer within 5000 ms/, /raise the timeout/, true],
		['reset', { code: 'ECONNRESET', message: 'socket hang up' }, /closed the connection/, /Try again/, true],
		['unknown CA', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }, /is not trusted/, /Add the CA certificate/, false],
		['self-signed', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, /is not trusted/, /Add the CA certificate/, false],
		['expired certificate', { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, /has expired/, /renew/, false],
		['host name mismatch', { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, /not valid for the host name/, /host name the certificate was issued for/, false],
		['client certificate required', { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'tlsv13 alert certificate required' }, /requires a client certificate/, /Client Certificate/, false],
		['plain HTTP on an HTTPS URL', { code: 'EPROTO', message: 'SSL routines:ssl3_get_record:wrong version number' }, /does not speak HTTPS/, /use http:\/\//, false],
	])('%s', (_name, error, summary, fix, maybeDelivered) => {
		const mapped = toTransportError(error, url, 5000);
		expect(mapped.message).toMatch(summary);
		expect(mapped.message).toContain('https://api.example.test/v1/orders');
		expect(mapped.message).not.toContain('5ecret-in-query');
		expect(mapped.fix).toMatch(fix);
		expect(mapped.maybeDelivered).toBe(maybeDelivered);
	});

	it('the client certificate was refused by the server', () => {
		expect(diagnoseNetwork('EPROTO', 'tlsv1 alert unknown ca', 'h', { clientCertificate: true }).summary).toMatch(/did not accept the client certificate/);
	});
});

describe('HTTP statuses', () => {
	it.each<[number, 'bearer' | 'apiKey' | 'basic' | 'oauth2', RegExp]>([
		[401, 'bearer', /^Check the token; it may be wrong, expired or revoked\.$/],
		[401, 'apiKey', /header or query, parameter name/],
		[401, 'basic', /user name and password/],
		[401, 'oauth2', /client ID, client secret, scope and audience/],
		[403, 'oauth2', /scope and audience/],
		[403, 'apiKey', /permissions/],
		[429, 'bearer', /Retry-After/],
		[503, 'bearer', /Retries/],
	])('%i for %s', (status, method, fix) => {
		expect(diagnoseStatus(status, method)?.fix).toMatch(fix);
	});
});

describe('OAuth2 errors', () => {
	it.each<[string, 'clientCredentials' | 'password' | 'authorizationCode', boolean, RegExp]>([
		['invalid_client', 'clientCredentials', false, /Client Authentication setting/],
		['invalid_grant', 'password', false, /user name and password/],
		['invalid_grant', 'authorizationCode', true, /Reconnect the credential/],
		['invalid_grant', 'clientCredentials', true, /new token is requested automatically/],
		['invalid_scope', 'clientCredentials', false, /Scope field/],
		['unauthorized_client', 'clientCredentials', false, /Enable the grant type/],
		['unsupported_grant_type', 'password', false, /grant type the provider supports/],
	])('%s (%s)', (code, grant, refreshing, fix) => {
		expect(diagnoseOAuthError(code, grant, refreshing)?.fix).toMatch(fix);
	});

	const settings = { tokenUrl: new URL('https://auth.example.test/oauth/token'), grant: 'clientCredentials', clientAuth: { method: 'header' } } as OAuth2Settings;

	it('a network failure of the token request (in either shape Boom gives it)', () => {
		expect(toTokenRequestError({ message: 'Client request error: getaddrinfo ENOTFOUND auth.example.test', code: 'ENOTFOUND' }, settings, false, 0).message).toMatch(/could not be resolved/);
		expect(toTokenRequestError({ message: 'Client request error', data: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' } }, settings, false, 0).message).toMatch(/could not be resolved/);
	});

	it('a refresh whose answer was lost has an unknown outcome', () => {
		const error = toTokenRequestError({ message: 'Client request timeout', output: { statusCode: 504 } }, settings, true, 0);
		expect(error.outcomeUnknown).toBe(true);
		expect(error.fix).toMatch(/may have renewed the token/);
	});

	it('Retry-After is read in seconds or as an HTTP date', () => {
		const seconds = toTokenRequestError({ data: { res: { statusCode: 503, headers: { 'retry-after': '7' } } } }, settings, false, 0);
		expect(seconds.retryAfterSeconds).toBe(7);
		const date = toTokenRequestError({ data: { res: { statusCode: 503, headers: { 'retry-after': new Date(60_000).toUTCString() } } } }, settings, false, 0);
		expect(date.retryAfterSeconds).toBe(60);
	});
});
