/**
 * The demo API that `npm start` and the end-to-end tests run beside n8n: HTTPS on 127.0.0.1 only,
 * on the ports and with the certificate it is given (`npm start`: fixed ports and a CA kept in the
 * cache, so credentials a user made keep working after a restart; tests: any free port, a fresh CA).
 *   - a static API whose /bearer, /api-key and /basic paths each want one credential, and a login
 *     API: POST /auth/login answers a 60-second token with its expiry time, which /login-api wants;
 *   - a real OAuth2 server (the one the engine tests use) with 60-second access tokens, so a
 *     renewal shows up within a minute, and its protected /api. Its /authorize approves at once
 *     and sends the code to n8n's OAuth2 callback, for the Connect button.
 * Secrets are demo values, printed nowhere but the demo credentials.
 */
import { randomBytes } from 'node:crypto';
import { basicAuthorization } from '../../lib/auth/basic';
import { type KeyPairPem, testPki } from '../../test/servers/certs';
import { startOAuth2Server } from '../../test/servers/oauth2Server';
import { type RecordedRequest, type Reply, startRecordingServer } from '../../test/servers/recordingServer';
import { portTakenMessage } from '../support/ports';

export const DEMO_SECRETS = {
	bearerToken: 'demo-bearer-token-change-me',
	apiKey: 'demo-api-key-change-me',
	basicUser: 'demo',
	basicPassword: 'demo-password-change-me',
	clientId: 'demo-client',
	clientSecret: 'demo-client-secret-change-me',
	loginUser: 'demo-user',
	loginPassword: 'demo-login-password-change-me',
} as const;

export const DEMO_TOKEN_LIFETIME_SECONDS = 60;

export interface DemoApiOptions {
	/** n8n's address: its OAuth2 callback is the demo client's redirect URI. */
	n8nUrl: string;
	/** Access token lifetime (default 60 s). */
	tokenLifetimeSeconds?: number;
	/** Fixed ports, each with the variable that overrides it (named when the port is taken); default: any free port. */
	ports?: { api: DemoPort; oauth: DemoPort };
	/** The CA certificate and the server certificate it signed; default: the tests' fresh ones. */
	pki?: { caCert: string; server: KeyPairPem };
}

export interface DemoPort {
	port: number;
	envName: string;
}

export interface DemoApi {
	/** Origin of the static API: /bearer, /api-key, /basic, /auth/login and /login-api. */
	apiUrl: string;
	/** Origin of the OAuth2 server: /token, and /api protected by its tokens. */
	oauthUrl: string;
	/** PEM of the CA that signed both servers' certificate. */
	caCert: string;
	/** Tokens of a grant made at start, as if a user had pressed Connect once. */
	connectGrant: { accessToken: string; refreshToken: string };
	close(): Promise<void>;
}

const ORDERS = [
	{ id: 1001, item: 'Keyboard', quantity: 2 },
	{ id: 1002, item: 'Monitor', quantity: 1 },
];

/** Tokens of the login API, with their expiry (epoch ms). */
const loginTokens = new Map<string, number>();

function login(request: RecordedRequest): Reply {
	let body: { username?: unknown; password?: unknown } = {};
	try {
		body = JSON.parse(request.body.toString('utf8')) as typeof body;
	} catch {
		return { status: 400, body: { message: 'Send {"username": …, "password": …} as JSON' } };
	}
	if (body.username !== DEMO_SECRETS.loginUser || body.password !== DEMO_SECRETS.loginPassword) return { status: 401, body: { message: 'Invalid username or password' } };
	const token = `demo-login-${randomBytes(12).toString('hex')}`;
	const expiresAt = Date.now() + DEMO_TOKEN_LIFETIME_SECONDS * 1000;
	loginTokens.set(token, expiresAt);
	return { status: 200, body: { data: { token, expiresAt: new Date(expiresAt).toISOString() } } };
}

/** Which credential each path wants, and the check of the request's credential. */
const GUARDS: Array<{ prefix: string; method: string; accepts(request: RecordedRequest): boolean }> = [
	{ prefix: '/bearer', method: 'bearer token', accepts: (r) => r.headers.authorization === `Bearer ${DEMO_SECRETS.bearerToken}` },
	{ prefix: '/api-key', method: 'API key', accepts: (r) => r.headers['x-api-key'] === DEMO_SECRETS.apiKey },
	{ prefix: '/basic', method: 'basic auth', accepts: (r) => r.headers.authorization === basicAuthorization(DEMO_SECRETS.basicUser, DEMO_SECRETS.basicPassword) },
	{ prefix: '/login-api', method: 'login token', accepts: (r) => (loginTokens.get(String(r.headers.authorization).replace(/^Bearer /, '')) ?? 0) > Date.now() },
];

function answer(request: RecordedRequest): Reply {
	if (request.method === 'POST' && request.path === '/auth/login') return login(request);
	const guard = GUARDS.find((g) => request.path === g.prefix || request.path.startsWith(`${g.prefix}/`));
	if (!guard) return { status: 404, body: { error: 'not_found', paths: GUARDS.map((g) => g.prefix) } };
	if (!guard.accepts(request)) {
		return { status: 401, headers: { 'www-authenticate': 'Bearer realm="demo"' }, body: { error: 'unauthorized', expected: guard.method } };
	}
	const path = request.path.slice(guard.prefix.length) || '/';
	return { status: 200, body: { ok: true, authenticatedWith: guard.method, path, orders: ORDERS } };
}

async function freshPki(): Promise<{ caCert: string; server: KeyPairPem }> {
	const pki = await testPki();
	return { caCert: pki.ca.cert, server: pki.server };
}

/** Starts one server, turning a taken port into a message that names it, its holder and the way out. */
async function onPort<T>(port: DemoPort | undefined, what: string, start: (port: number | undefined) => Promise<T>): Promise<T> {
	try {
		return await start(port?.port);
	} catch (error) {
		if (port && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(portTakenMessage(port.port, what, port.envName));
		throw error;
	}
}

export async function startDemoApi(options: DemoApiOptions): Promise<DemoApi> {
	const pki: { caCert: string; server: KeyPairPem } = options.pki ?? (await freshPki());
	const api = await onPort(options.ports?.api, 'the demo API', (port) => startRecordingServer({ port, tls: pki.server, handler: answer }));
	const oauth = await onPort(options.ports?.oauth, 'the demo OAuth2 server', (port) => startOAuth2Server({
		port,
		tls: pki.server,
		accessTokenLifetime: options.tokenLifetimeSeconds ?? DEMO_TOKEN_LIFETIME_SECONDS,
		clients: [
			{
				id: DEMO_SECRETS.clientId,
				secret: DEMO_SECRETS.clientSecret,
				grants: ['client_credentials', 'authorization_code', 'refresh_token'],
				redirectUris: [`${options.n8nUrl}/rest/oauth2-credential/callback`],
			},
		],
	})).catch(async (error: unknown) => {
		await api.close();
		throw error;
	});
	return {
		apiUrl: api.url,
		oauthUrl: oauth.url,
		caCert: pki.caCert,
		connectGrant: await oauth.issueGrant(DEMO_SECRETS.clientId),
		async close() {
			await Promise.all([api.close(), oauth.close()]);
		},
	};
}
