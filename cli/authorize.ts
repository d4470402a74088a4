#!/usr/bin/env node
/**
 * n8n-connect-account: obtains a refresh token with the authorization-code grant and PKCE, for
 * the "Authenticated HTTP: OAuth 2.0" credential when the provider cannot redirect to n8n. Run it on a machine
 * with a browser; paste the printed refresh token into the credential.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConnection } from '../lib/auth/connection';
import { CredentialReader } from '../lib/auth/credentialReader';
import { ConfigError, errorMessage, TokenRequestError } from '../lib/errors';
import { startAuthorization } from '../lib/oauth2/authorize';
import { readOAuth2Settings } from '../lib/oauth2/settings';
import { SecretRegistry } from '../lib/security/secretRegistry';

const USAGE = `Usage: n8n-connect-account --auth-url URL --token-url URL --client-id ID [options]

  --client-secret-env NAME   read the client secret from this environment variable (default N8N_API_AUTH_CLIENT_SECRET)
  --scope "a b"              scopes to request (add offline_access if the provider needs it for a refresh token)
  --audience VALUE           audience parameter
  --client-auth header|body  how the client secret is sent (default header)
  --ca FILE                  PEM CA certificate of the provider, if it uses a private CA
  --port N                   loopback port for the redirect (default: any free port); register
                             http://127.0.0.1:<port>/callback as a redirect URI at the provider`;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			'auth-url': { type: 'string' },
			'token-url': { type: 'string' },
			'client-id': { type: 'string' },
			'client-secret-env': { type: 'string', default: 'N8N_API_AUTH_CLIENT_SECRET' },
			scope: { type: 'string' },
			audience: { type: 'string' },
			'client-auth': { type: 'string', default: 'header' },
			ca: { type: 'string' },
			port: { type: 'string' },
			help: { type: 'boolean' },
		},
	});
	if (values.help || !values['auth-url'] || !values['token-url'] || !values['client-id']) {
		console.log(USAGE);
		process.exitCode = values.help ? 0 : 2;
		return;
	}
	const raw: Record<string, unknown> = {
		grantType: 'authorizationCode',
		authUrl: values['auth-url'],
		accessTokenUrl: values['token-url'],
		clientId: values['client-id'],
		clientSecret: process.env[values['client-secret-env'] as string] ?? '',
		scope: values.scope,
		audience: values.audience,
		authentication: values['client-auth'],
		useCustomTls: Boolean(values.ca),
		tlsCa: values.ca ? readFileSync(values.ca, 'utf8') : undefined,
	};
	const secrets = new SecretRegistry();
	const reader = new CredentialReader(raw, secrets);
	const { tls } = readConnection(reader);
	const settings = readOAuth2Settings(reader, false, tls);
	const session = await startAuthorization(settings, tls, { port: values.port ? Number(values.port) : undefined });
	console.log(`Open this URL in a browser and approve the access:\n\n  ${session.url}\n\nWaiting for the redirect to ${session.redirectUri} …`);
	const tokens = await session.tokens;
	if (typeof tokens.refresh_token !== 'string') {
		console.error('The provider returned no refresh token. Ask for offline access (e.g. scope offline_access) and try again.');
		process.exitCode = 1;
		return;
	}
	console.log(`\nRefresh token (paste it into the credential's Refresh Token field):\n\n  ${tokens.refresh_token}\n`);
}

main().catch((error: unknown) => {
	const fix = error instanceof ConfigError || error instanceof TokenRequestError ? ` ${error.fix}` : '';
	console.error(`${errorMessage(error)}.${fix}`);
	process.exitCode = 1;
});
