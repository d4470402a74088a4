/** What the Token Request settings register for redaction: every value a token request carries. */
import { CredentialReader } from '../../lib/auth/credentialReader';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { readTokenRequestSettings } from '../../lib/tokenRequest/settings';

function read(data: Record<string, unknown>): string {
	const secrets = new SecretRegistry();
	readTokenRequestSettings(new CredentialReader({ loginUrl: 'https://api.example.com/auth/login', tokenPath: 'token', ...data }, secrets));
	return secrets.redactor.text('user=ada.lovelace client=orders-client pw=S3cret-pass');
}

describe('Token Request redaction', () => {
	it('a user name and client ID the login body carries are redacted with the password', () => {
		const out = read({ loginBody: '{"user": "{{username}}", "client": "{{clientId}}", "password": "{{password}}"}', username: 'ada.lovelace', clientId: 'orders-client', password: 'S3cret-pass' });
		expect(out).toBe('user=[redacted] client=[redacted] pw=[redacted]');
	});

	it('a user name or client ID no token request uses stays readable (it is not sent anywhere)', () => {
		const out = read({ loginBody: '{"password": "{{password}}"}', username: 'ada.lovelace', clientId: 'orders-client', password: 'S3cret-pass' });
		expect(out).toBe('user=ada.lovelace client=orders-client pw=[redacted]');
	});
});
