/**
 * The n8n-connect-account helper (lib/oauth2/authorize.ts): the node's HTTPS rule on the token
 * URL, a stray callback with a wrong state ignored (the session keeps waiting), and the
 * provider's error_description shown as text, not HTML.
 */
import { CredentialReader } from '../../lib/auth/credentialReader';
import { startAuthorization } from '../../lib/oauth2/authorize';
import { readOAuth2Settings } from '../../lib/oauth2/settings';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { parseTls } from '../../lib/transport/tls';

const settings = (accessTokenUrl: string) =>
	readOAuth2Settings(
		new CredentialReader({ grantType: 'authorizationCode', authUrl: 'https://auth.example.test/authorize', accessTokenUrl, clientId: 'c', clientSecret: 'client-5ecret-Cli-1' }, new SecretRegistry()),
		false,
	);
const tls = parseTls({ ignoreErrors: false });

it('refuses a plain-http token URL that is not loopback, before listening', async () => {
	await expect(startAuthorization(settings('http://auth.example.test/token'), tls)).rejects.toThrow(/Access Token URL: "http:\/\/auth.example.test" uses plain http/);
});

it('a callback with a wrong state is answered 400 and ignored; error_description is escaped', async () => {
	const session = await startAuthorization(settings('https://auth.example.test/token'), tls);
	const state = new URL(session.url).searchParams.get('state') as string;
	let settled = false;
	session.tokens.then(() => (settled = true), () => (settled = true));
	const stray = await fetch(`${session.redirectUri}?state=wrong&code=x`);
	expect(stray.status).toBe(400);
	await new Promise((resolve) => setTimeout(resolve, 50));
	expect(settled).toBe(false);

	const refused = await fetch(`${session.redirectUri}?state=${state}&error=access_denied&error_description=${encodeURIComponent('<script>alert(1)</script>')}`);
	const page = await refused.text();
	expect(page).not.toContain('<script>');
	expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
	await expect(session.tokens).rejects.toThrow(/access_denied/);
});
