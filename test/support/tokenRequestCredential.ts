/** Token Request credentials for the login test server (test/servers/loginServer.ts), as the editor saves them. */
import type { LoginServer } from '../servers/loginServer';

export const LOGIN_BODY = '{"username": "{{username}}", "password": "{{password}}"}';

/** JSON login at /auth/login, token at data.token, expiry at data.expires in `expiry` form. */
export function loginCredential(server: Pick<LoginServer, 'url'>, extra: Record<string, unknown> = {}): { type: string; data: Record<string, unknown> } {
	return {
		type: 'apiAuthTokenRequest',
		data: {
			loginUrl: `${server.url}/auth/login`,
			loginMethod: 'POST',
			loginBodyType: 'json',
			loginBody: LOGIN_BODY,
			username: 'alice',
			password: 'correct horse',
			tokenFrom: 'json',
			tokenPath: 'data.token',
			expiry: 'iso',
			expiryPath: 'data.expires',
			...extra,
		},
	};
}

/** The same login with the refresh endpoint: single-use rotating refresh tokens at data.refreshToken. */
export function refreshingCredential(server: Pick<LoginServer, 'url'>, extra: Record<string, unknown> = {}): { type: string; data: Record<string, unknown> } {
	return loginCredential(server, {
		refreshTokenPath: 'data.refreshToken',
		useRefreshRequest: true,
		refreshUrl: `${server.url}/auth/refresh`,
		refreshMethod: 'POST',
		refreshBodyType: 'json',
		refreshBody: '{"refreshToken": "{{refreshToken}}"}',
		...extra,
	});
}
