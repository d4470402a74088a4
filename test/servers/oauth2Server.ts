/**
 * A real OAuth2 authorization server for the tests, built on @node-oauth/oauth2-server (RFC 6749
 * and PKCE), on 127.0.0.1, with a protected API beside it:
 *   POST /token      client credentials, password, authorization code (+PKCE), refresh token
 *   GET  /authorize  approves a fixed user at once and redirects with a code
 *   ANY  /api/...    answers 200 with the token's client and scope, 401 for a bad or expired token
 * Refresh tokens rotate and are single-use; presenting a used one revokes the whole grant, as
 * providers with refresh-token rotation do. Every token request is recorded, and a fault can
 * be injected in front of the token endpoint.
 */
import OAuth2Server, { Request, Response } from '@node-oauth/oauth2-server';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { listenOn } from './recordingServer';

export interface TokenRequestRecord {
	at: number;
	grantType: string;
	authorization?: string;
	body: Record<string, string | string[]>;
	/** The client's port: requests on one kept-alive connection share it. */
	remotePort?: number;
	outcome?: 'issued' | 'error';
	error?: string;
}

export type TokenFault =
	| { kind: 'status'; status: number; body?: unknown; contentType?: string; headers?: Record<string, string> }
	| { kind: 'delay'; ms: number }
	| { kind: 'destroy' }
	| { kind: 'destroyAfterProcessing' }
	/** Issue the token as usual, but answer form-encoded (as GitHub does when Accept is not honoured). */
	| { kind: 'formEncoded' }
	| { kind: 'respond'; body: unknown; status?: number; contentType?: string };

export interface OAuth2TestServer {
	url: string;
	tokenUrl: string;
	authorizeUrl: string;
	apiUrl: string;
	tokenRequests: TokenRequestRecord[];
	apiRequests: Array<{ authorization?: string; query: URLSearchParams; status: number }>;
	/** Grants that were revoked because a used refresh token came back. */
	revokedGrants: Set<string>;
	/** Answer the next token requests with this fault (until cleared with undefined). */
	setFault(fault: TokenFault | ((record: TokenRequestRecord) => TokenFault | undefined) | undefined): void;
	/** Issue a refresh token for a fresh grant directly (as if a user had authorized). */
	issueGrant(clientId?: string): Promise<{ accessToken: string; refreshToken: string }>;
	/** Make every access token issued so far invalid at the API (as after a server-side expiry). */
	expireAccessTokens(): void;
	close(): Promise<void>;
}

export interface OAuth2ServerOptions {
	accessTokenLifetime?: number;
	/** redirectUris: where /authorize may send a code (default: http://127.0.0.1/callback and http://localhost/callback). */
	clients?: Array<{ id: string; secret: string; grants: string[]; redirectUris?: string[] }>;
	users?: Array<{ username: string; password: string }>;
	/** Issue no expires_in (the library always does; this strips it). */
	omitExpiresIn?: boolean;
	/** Leave the refresh token out of refresh answers (the old one stays valid). */
	omitRefreshTokenOnRefresh?: boolean;
	tls?: { cert: string; key: string };
	/** A fixed port (default: any free one); a taken port rejects with EADDRINUSE. */
	port?: number;
	/** Issue access tokens that are JWTs with an exp claim (signature not meant to be checked). */
	jwtAccessTokens?: boolean;
}

interface StoredToken {
	accessToken: string;
	accessTokenExpiresAt: Date;
	refreshToken?: string;
	refreshTokenExpiresAt?: Date;
	scope?: string[];
	client: { id: string; grants: string[] };
	user: { id: string };
	grantId: string;
}

export const TEST_CLIENT = { id: 'workflow-client', secret: 'client-5ecret-Value-Zq81' };
export const TEST_USER = { username: 'alice', password: 'user-5ecret-Password-77' };

function formBody(text: string): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [k, v] of new URLSearchParams(text)) {
		const prev = out[k];
		out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
	}
	return out;
}

export async function startOAuth2Server(options: OAuth2ServerOptions = {}): Promise<OAuth2TestServer> {
	const clients = options.clients ?? [{ ...TEST_CLIENT, grants: ['client_credentials', 'password', 'authorization_code', 'refresh_token'] }];
	const users = options.users ?? [TEST_USER];
	const accessTokens = new Map<string, StoredToken>();
	const refreshTokens = new Map<string, StoredToken>();
	const usedRefreshTokens = new Map<string, string>();
	const codes = new Map<string, Record<string, unknown>>();
	const revokedGrants = new Set<string>();
	// A grant is a user object: every token issued from it (refreshes included) carries its id.
	const newGrant = (id: string) => ({ id, grantId: randomBytes(6).toString('hex') });

	const model = {
		...(options.jwtAccessTokens
			? {
				async generateAccessToken() {
					const claims = { exp: Math.floor(Date.now() / 1000) + (options.accessTokenLifetime ?? 3600), jti: randomBytes(8).toString('hex') };
					return `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
				},
			}
			: {}),
		async getClient(id: string, secret: string | null) {
			const client = clients.find((c) => c.id === id);
			if (!client || (secret !== null && secret !== undefined && client.secret !== secret)) return false;
			return { id: client.id, grants: client.grants, redirectUris: client.redirectUris ?? ['http://127.0.0.1/callback', 'http://localhost/callback'] };
		},
		async getUser(username: string, password: string) {
			const user = users.find((u) => u.username === username && u.password === password);
			return user ? newGrant(user.username) : false;
		},
		async getUserFromClient(client: { id: string }) {
			return newGrant(`client:${client.id}`);
		},
		async saveToken(token: Omit<StoredToken, 'client' | 'user' | 'grantId'>, client: StoredToken['client'], user: StoredToken['user'] & { grantId: string }) {
			const stored: StoredToken = { ...token, client, user, grantId: user.grantId };
			accessTokens.set(token.accessToken, stored);
			if (token.refreshToken) refreshTokens.set(token.refreshToken, stored);
			return stored;
		},
		async getAccessToken(accessToken: string) {
			const token = accessTokens.get(accessToken);
			return token && !revokedGrants.has(token.grantId) ? token : false;
		},
		async getRefreshToken(refreshToken: string) {
			const token = refreshTokens.get(refreshToken);
			if (token && !revokedGrants.has(token.grantId)) return token;
			const grant = usedRefreshTokens.get(refreshToken);
			if (grant) revokedGrants.add(grant);
			return false;
		},
		async revokeToken(token: StoredToken) {
			if (options.omitRefreshTokenOnRefresh) return true;
			refreshTokens.delete(token.refreshToken as string);
			usedRefreshTokens.set(token.refreshToken as string, token.grantId);
			return true;
		},
		async saveAuthorizationCode(code: Record<string, unknown>, client: { id: string }, user: { id: string }) {
			const stored = { ...code, client, user };
			codes.set(code.authorizationCode as string, stored);
			return stored;
		},
		async getAuthorizationCode(code: string) {
			return codes.get(code) ?? false;
		},
		async revokeAuthorizationCode(code: { authorizationCode: string }) {
			return codes.delete(code.authorizationCode);
		},
		// RFC 8252: native apps use loopback redirects on any port.
		// A registered redirect URI, or (RFC 8252) a loopback one on any port, as native apps use.
		async validateRedirectUri(redirectUri: string, client: { redirectUris?: string[] }) {
			return (client.redirectUris ?? []).includes(redirectUri) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/callback$/.test(redirectUri);
		},
		async verifyScope() {
			return true;
		},
		async validateScope(_user: unknown, _client: unknown, scope?: string[]) {
			return scope && scope.length ? scope : ['default'];
		},
	};

	const oauth = new OAuth2Server({
		model: model as never,
		accessTokenLifetime: options.accessTokenLifetime ?? 3600,
		refreshTokenLifetime: 86400 * 30,
		allowEmptyState: true,
		requireClientAuthentication: { password: true, refresh_token: true, authorization_code: false },
	});

	const tokenRequests: TokenRequestRecord[] = [];
	const apiRequests: OAuth2TestServer['apiRequests'] = [];
	let fault: TokenFault | ((record: TokenRequestRecord) => TokenFault | undefined) | undefined;

	const handler: http.RequestListener = (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			const url = new URL(req.url ?? '/', 'http://x');
			const bodyText = Buffer.concat(chunks).toString('utf8');
			const body = formBody(bodyText);
			const query = Object.fromEntries(url.searchParams);
			const request = new Request({ method: req.method ?? 'GET', headers: req.headers as Record<string, string>, query, body });
			const response = new Response({ headers: {} });
			const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
				res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
				res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
			};
			try {
				if (url.pathname === '/token' && req.method === 'POST') {
					const record: TokenRequestRecord = { at: Date.now(), grantType: String(body.grant_type ?? ''), authorization: req.headers.authorization, body, remotePort: req.socket.remotePort };
					tokenRequests.push(record);
					const active = typeof fault === 'function' ? fault(record) : fault;
					if (active?.kind === 'delay') await new Promise((r) => setTimeout(r, active.ms));
					if (active?.kind === 'destroy') return void req.socket.destroy();
					if (active?.kind === 'status') {
						res.writeHead(active.status, { 'content-type': active.contentType ?? 'application/json', ...active.headers });
						return void res.end(typeof active.body === 'string' ? active.body : JSON.stringify(active.body ?? {}));
					}
					if (active?.kind === 'respond') {
						res.writeHead(active.status ?? 200, { 'content-type': active.contentType ?? 'application/json' });
						return void res.end(typeof active.body === 'string' ? active.body : JSON.stringify(active.body));
					}
					try {
						const token = (await oauth.token(request, response)) as unknown as StoredToken;
						record.outcome = 'issued';
						const payload = { ...(response.body as Record<string, unknown>) };
						if (options.omitExpiresIn) delete payload.expires_in;
						if (options.omitRefreshTokenOnRefresh && record.grantType === 'refresh_token') delete payload.refresh_token;
						if (active?.kind === 'destroyAfterProcessing') return void req.socket.destroy();
						void token;
						if (active?.kind === 'formEncoded') {
							res.writeHead(response.status ?? 200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
							return void res.end(new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)])).toString());
						}
						return send(response.status ?? 200, payload);
					} catch (error) {
						const e = error as { code?: number; name?: string; message?: string };
						record.outcome = 'error';
						record.error = e.name;
						return send(e.code ?? 500, { error: e.name, error_description: e.message });
					}
				}
				if (url.pathname === '/authorize') {
					await oauth.authorize(request, response, { authenticateHandler: { handle: async () => newGrant('alice') } });
					res.writeHead(response.status ?? 302, response.headers as Record<string, string>);
					return void res.end();
				}
				if (url.pathname.startsWith('/api')) {
					try {
						const token = (await oauth.authenticate(request, response, { allowBearerTokensInQueryString: true })) as unknown as StoredToken;
						apiRequests.push({ authorization: req.headers.authorization, query: url.searchParams, status: 200 });
						return send(200, { ok: true, client: token.client.id, user: token.user.id, scope: token.scope, path: url.pathname });
					} catch (error) {
						const e = error as { code?: number; name?: string };
						apiRequests.push({ authorization: req.headers.authorization, query: url.searchParams, status: e.code ?? 401 });
						return send(e.code ?? 401, { error: e.name }, { 'www-authenticate': 'Bearer error="invalid_token"' });
					}
				}
				send(404, { error: 'not_found' });
			} catch (error) {
				send(500, { error: 'server_error', error_description: String(error) });
			}
		});
	};

	const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
	await listenOn(server, options.port ?? 0, '127.0.0.1');
	const { port } = server.address() as AddressInfo;
	const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

	return {
		url,
		tokenUrl: `${url}/token`,
		authorizeUrl: `${url}/authorize`,
		apiUrl: `${url}/api`,
		tokenRequests,
		apiRequests,
		revokedGrants,
		setFault(next) {
			fault = next;
		},
		async issueGrant(clientId = TEST_CLIENT.id) {
			const client = clients.find((c) => c.id === clientId) ?? clients[0];
			const accessToken = randomBytes(16).toString('hex');
			const refreshToken = randomBytes(16).toString('hex');
			await model.saveToken(
				{ accessToken, accessTokenExpiresAt: new Date(Date.now() + (options.accessTokenLifetime ?? 3600) * 1000), refreshToken, refreshTokenExpiresAt: new Date(Date.now() + 86400_000), scope: ['default'] },
				{ id: client.id, grants: client.grants },
				newGrant('alice'),
			);
			return { accessToken, refreshToken };
		},
		expireAccessTokens() {
			for (const token of accessTokens.values()) token.accessTokenExpiresAt = new Date(0);
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
