/**
 * The OAuth2 token lifecycle through n8n's real engine against a real OAuth2 server: PKCE,
 * renewal before expiry on a controllable clock, one renewal and one retry after 401, servers
 * that omit the refresh token or the expiry, non-standard answers, a damaged token store.
 */
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOAuth2Settings } from '../../lib/oauth2/settings';
import { startAuthorization } from '../../lib/oauth2/authorize';
import { exchangeCode } from '../../lib/oauth2/simpleOAuth2';
import { CredentialReader } from '../../lib/auth/credentialReader';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { agentFor, destroyAgents } from '../../lib/transport/agents';
import { parseTls } from '../../lib/transport/tls';
import { runWorkflow } from '../support/engine';
import { distAgents, distStore, distTokens, offsetClock, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { startRecordingServer } from '../servers/recordingServer';

let server: OAuth2TestServer;

beforeAll(async () => {
	server = await startOAuth2Server();
});
afterAll(async () => {
	await server.close();
	distAgents.destroyAgents();
	destroyAgents();
});
beforeEach(async () => {
	server.tokenRequests.length = 0;
	server.apiRequests.length = 0;
	server.setFault(undefined);
	await resetTokenState();
});

const cc = (target: OAuth2TestServer, extra: Record<string, unknown> = {}) => ({
	type: 'apiAuthOAuth2',
	data: { grantType: 'clientCredentials', accessTokenUrl: target.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, ...extra },
});
const authCode = (target: OAuth2TestServer, refreshToken: string, extra: Record<string, unknown> = {}) => ({
	type: 'apiAuthOAuth2',
	data: { grantType: 'authorizationCode', accessTokenUrl: target.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, refreshToken, ...extra },
});
const get = (url: string, options: Record<string, unknown> = {}) => ({ method: 'GET', url, options });
const tokenFiles = () => readdirSync(distStore.tokenStoreDir()).filter((f) => f.endsWith('.token')).map((f) => join(distStore.tokenStoreDir(), f));

describe('authorization code with PKCE (the authorize helper, through simple-oauth2)', () => {
	const settingsFor = (target: OAuth2TestServer) =>
		readOAuth2Settings(
			new CredentialReader({ grantType: 'authorizationCode', authUrl: target.authorizeUrl, accessTokenUrl: target.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, scope: 'read' }, new SecretRegistry()),
			false,
		);

	it('sends an S256 challenge, exchanges the code with the verifier, and gets a refresh token', async () => {
		const session = await startAuthorization(settingsFor(server), parseTls({ ignoreErrors: false }));
		const authorize = new URL(session.url);
		expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
		expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(authorize.searchParams.get('redirect_uri')).toBe(session.redirectUri);
		// The "browser": the server approves at once and redirects to the loopback callback.
		const approval = await fetch(session.url, { redirect: 'manual' });
		const callback = approval.headers.get('location') as string;
		expect(callback.startsWith(session.redirectUri)).toBe(true);
		expect((await fetch(callback)).status).toBe(200);
		const tokens = await session.tokens;
		expect(typeof tokens.refresh_token).toBe('string');
		const exchange = server.tokenRequests.find((r) => r.grantType === 'authorization_code');
		expect(exchange?.body.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(exchange?.outcome).toBe('issued');
	});

	it('a wrong verifier is refused by the server (the challenge is really checked)', async () => {
		const settings = settingsFor(server);
		const session = await startAuthorization(settings, parseTls({ ignoreErrors: false }));
		const callback = new URL((await fetch(session.url, { redirect: 'manual' })).headers.get('location') as string);
		session.close();
		const code = callback.searchParams.get('code') as string;
		await expect(
			exchangeCode(settings, { code, redirectUri: session.redirectUri, codeVerifier: 'x'.repeat(43) }, { agent: agentFor(settings.tokenUrl, parseTls({ ignoreErrors: false })), timeoutMs: 5000 }, Date.now),
		).rejects.toThrow(/invalid_grant/);
	});
});

describe('renewal before expiry (controllable clock)', () => {
	it('client credentials: a new token is fetched inside the refresh window, in the background, with no 401 at the API', async () => {
		const clock = offsetClock();
		try {
			await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: cc(server) });
			const first = server.apiRequests[0].authorization;
			clock.advance(3_600_000 - 30_000); // 30 s before expiry: inside the 60 s margin
			// The current token still works: items use it while one renewal runs in the background.
			server.setFault({ kind: 'delay', ms: 300 });
			const during = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { authTrace: true }), credential: cc(server), items: [{}, {}, {}] });
			expect(during.error).toBeUndefined();
			expect(server.apiRequests.slice(1).map((r) => r.authorization)).toEqual([first, first, first]);
			await distTokens.whenIdle();
			server.setFault(undefined);
			const after = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { authTrace: true }), credential: cc(server) });
			expect(server.tokenRequests.map((r) => r.grantType)).toEqual(['client_credentials', 'client_credentials']);
			expect(server.apiRequests.every((r) => r.status === 200)).toBe(true);
			expect(server.apiRequests.at(-1)?.authorization).not.toBe(first);
			expect((after.output[0].json.authTrace as { tokenSource: string }).tokenSource).toBe('cache');
		} finally {
			clock.restore();
		}
	});

	it('authorization code: the refresh token is used before expiry, and the rotated one is kept', async () => {
		const clock = offsetClock();
		try {
			const { refreshToken } = await server.issueGrant();
			await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: authCode(server, refreshToken) });
			clock.advance(3_600_000 - 30_000);
			await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: authCode(server, refreshToken) });
			await distTokens.whenIdle();
			const refreshes = server.tokenRequests.filter((r) => r.grantType === 'refresh_token');
			expect(refreshes).toHaveLength(2);
			expect(refreshes[0].body.refresh_token).toBe(refreshToken);
			expect(refreshes[1].body.refresh_token).not.toBe(refreshToken);
			expect(refreshes.every((r) => r.outcome === 'issued')).toBe(true);
			expect(server.revokedGrants.size).toBe(0);
		} finally {
			clock.restore();
		}
	});
});

describe('transit time (controllable clock)', () => {
	it('after an answer that took long, a token that would expire on its way to the API is renewed before it is sent', async () => {
		const clock = offsetClock();
		const api = await startRecordingServer({ handler: () => ({ status: 200, body: { ok: true } }) });
		try {
			await runWorkflow({ parameters: get(`${api.url}/first`), credential: cc(server) });
			// 3400 s later the API takes 100 s (on the package's clock) to answer.
			clock.advance(3_400_000);
			api.setHandler(() => {
				clock.advance(100_000);
				return { status: 200, body: { ok: true } };
			});
			await runWorkflow({ parameters: get(`${api.url}/slow`), credential: cc(server) });
			api.setHandler(() => ({ status: 200, body: { ok: true } }));
			// Now, 3500 s after the token request, the token is before its refresh point (3537 s: 3600 s
			// less 1 s rounding, 2 s skew and the 60 s window) but within 100 s of its usable end.
			const next = await runWorkflow({ parameters: get(`${api.url}/next`, { authTrace: true }), credential: cc(server) });
			expect(next.error).toBeUndefined();
			expect(server.tokenRequests).toHaveLength(2);
			const sent = api.requests.map((r) => r.headers.authorization);
			expect(sent[1]).toBe(sent[0]);
			expect(sent[2]).not.toBe(sent[0]);
			expect((next.output[0].json.authTrace as { tokenSource: string }).tokenSource).toBe('fetched');
		} finally {
			clock.restore();
			await api.close();
		}
	});
});

describe('after the API says the token expired', () => {
	it('renews once and retries once; many items in flight share one renewal', async () => {
		await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: cc(server) });
		server.expireAccessTokens();
		server.apiRequests.length = 0;
		const { output, error } = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { concurrency: 20 }), credential: cc(server), items: Array.from({ length: 20 }, () => ({})) });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(20);
		expect(server.tokenRequests).toHaveLength(2);
		expect(server.apiRequests.filter((r) => r.status === 401)).toHaveLength(20);
		expect(server.apiRequests.filter((r) => r.status === 200)).toHaveLength(20);
	});

	it('an API that rejects even a fresh token: one retry, then a 401 diagnosis naming scope and secret', async () => {
		const api = await startRecordingServer({ handler: () => ({ status: 401, body: { error: 'nope' } }) });
		try {
			const { error } = await runWorkflow({ parameters: get(`${api.url}/x`), credential: cc(server) });
			expect(api.requests).toHaveLength(2);
			expect(server.tokenRequests).toHaveLength(2);
			expect(error?.message).toContain('401');
			expect(error?.description).toContain('scope');
		} finally {
			await api.close();
		}
	});

	it('other statuses can be declared "token expired" (e.g. 419)', async () => {
		let calls = 0;
		const api = await startRecordingServer({ handler: () => (++calls === 1 ? { status: 419, body: {} } : { status: 200, body: { ok: true } }) });
		try {
			const { output, error } = await runWorkflow({ parameters: get(`${api.url}/x`), credential: cc(server, { expiredStatusCodes: '401, 419' }) });
			expect(error).toBeUndefined();
			expect(output[0].json).toEqual({ ok: true });
			expect(server.tokenRequests).toHaveLength(2);
			expect(api.requests[0].headers.authorization).not.toBe(api.requests[1].headers.authorization);
		} finally {
			await api.close();
		}
	});
});

describe('an API that says "token expired" in a 200 body', () => {
	const wechat = { expiredBodyPath: 'errcode', expiredBodyValues: '40001, 42001' };

	it('errcode 40001: one renewal, one retry, success; the trace says refreshed and why', async () => {
		let expired: string | undefined;
		const api = await startRecordingServer({
			handler: (req) => {
				expired ??= req.headers.authorization;
				return req.headers.authorization === expired ? { status: 200, body: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' } } : { status: 200, body: { errcode: 0, ok: true } };
			},
		});
		try {
			const { output, error } = await runWorkflow({ parameters: get(`${api.url}/x`, { authTrace: true }), credential: cc(server, wechat) });
			expect(error).toBeUndefined();
			expect(output[0].json).toMatchObject({ errcode: 0, ok: true });
			expect(server.tokenRequests).toHaveLength(2);
			expect(api.requests).toHaveLength(2);
			expect(api.requests[1].headers.authorization).not.toBe(expired);
			expect(output[0].json.authTrace).toMatchObject({ tokenSource: 'refreshed', renewedBecause: 'errcode = 40001', expirySource: 'expires_in' });
		} finally {
			await api.close();
		}
	});

	it('Marketo style: a value inside an array (errors[0].code = 602)', async () => {
		let calls = 0;
		const api = await startRecordingServer({ handler: () => (++calls === 1 ? { status: 200, body: { success: false, errors: [{ code: '602', message: 'Access token expired' }] } } : { status: 200, body: { success: true } }) });
		try {
			const { output, error } = await runWorkflow({ parameters: get(`${api.url}/x`), credential: cc(server, { expiredBodyPath: 'errors[0].code', expiredBodyValues: '601, 602' }) });
			expect(error).toBeUndefined();
			expect(output[0].json).toEqual({ success: true });
			expect(server.tokenRequests).toHaveLength(2);
		} finally {
			await api.close();
		}
	});

	it('a body that always matches: a clear error after one retry, two token calls, no loop', async () => {
		const api = await startRecordingServer({ handler: () => ({ status: 200, body: { errcode: 42001 } }) });
		try {
			const { error } = await runWorkflow({ parameters: get(`${api.url}/x`), credential: cc(server, wechat), items: [{}, {}, {}] });
			expect(error?.message).toMatch(/the API still says the token expired \(errcode = 42001\) after it was renewed/);
			expect(error?.description).toMatch(/Token Expired Body Path/);
			expect(server.tokenRequests.length).toBeLessThanOrEqual(4);
			expect(api.requests.length).toBeLessThanOrEqual(6);
		} finally {
			await api.close();
		}
	});

	it('other values and other paths are results, not expiry', async () => {
		const api = await startRecordingServer({ handler: () => ({ status: 200, body: { errcode: 45009, data: { errcode: 40001 } } }) });
		try {
			const { output, error } = await runWorkflow({ parameters: get(`${api.url}/x`), credential: cc(server, wechat) });
			expect(error).toBeUndefined();
			expect(output[0].json).toMatchObject({ errcode: 45009 });
			expect(server.tokenRequests).toHaveLength(1);
		} finally {
			await api.close();
		}
	});
});

describe('servers that leave things out', () => {
	it('a refresh answer without a refresh token keeps the old one, which keeps working', async () => {
		const lenient = await startOAuth2Server({ omitRefreshTokenOnRefresh: true });
		const clock = offsetClock();
		try {
			const { refreshToken } = await lenient.issueGrant();
			await runWorkflow({ parameters: get(`${lenient.apiUrl}/a`), credential: authCode(lenient, refreshToken) });
			clock.advance(3_600_000);
			const { error } = await runWorkflow({ parameters: get(`${lenient.apiUrl}/a`), credential: authCode(lenient, refreshToken) });
			expect(error).toBeUndefined();
			expect(lenient.tokenRequests.map((r) => r.body.refresh_token)).toEqual([refreshToken, refreshToken]);
		} finally {
			clock.restore();
			await lenient.close();
		}
	});

	it('no expires_in and an opaque token: the default lifetime applies (not "never expires")', async () => {
		const bare = await startOAuth2Server({ omitExpiresIn: true });
		try {
			const before = Date.now();
			const { output } = await runWorkflow({ parameters: get(`${bare.apiUrl}/a`, { authTrace: true }), credential: cc(bare, { defaultLifetimeMinutes: 5 }) });
			const expiresAt = Date.parse((output[0].json.authTrace as { expiresAt: string }).expiresAt);
			expect(expiresAt).toBeGreaterThanOrEqual(before + 300_000);
			expect(expiresAt).toBeLessThan(Date.now() + 300_000 + 1000);
		} finally {
			await bare.close();
		}
	});

	it('no expires_in but a JWT: its exp claim is the expiry', async () => {
		const jwt = await startOAuth2Server({ omitExpiresIn: true, jwtAccessTokens: true, accessTokenLifetime: 900 });
		try {
			const { output, error } = await runWorkflow({ parameters: get(`${jwt.apiUrl}/a`, { authTrace: true }), credential: cc(jwt) });
			expect(error).toBeUndefined();
			const expiresAt = Date.parse((output[0].json.authTrace as { expiresAt: string }).expiresAt);
			expect(Math.abs(expiresAt - (Date.now() + 900_000))).toBeLessThan(3_000);
		} finally {
			await jwt.close();
		}
	});

	it('non-standard field names are read through the mapping', async () => {
		server.setFault({ kind: 'respond', body: { data: { token: 'mapped-access-token-123', ttl: 120 } } });
		const api = await startRecordingServer({ handler: (req) => ({ status: req.headers.authorization === 'Bearer mapped-access-token-123' ? 200 : 401, body: {} }) });
		try {
			const { output, error } = await runWorkflow({
				parameters: get(`${api.url}/x`, { authTrace: true }),
				credential: cc(server, { customTokenResponse: true, accessTokenField: 'data.token', expiresInField: 'data.ttl' }),
			});
			expect(error).toBeUndefined();
			const expiresAt = Date.parse((output[0].json.authTrace as { expiresAt: string }).expiresAt);
			expect(Math.abs(expiresAt - (Date.now() + 120_000))).toBeLessThan(3_000);
		} finally {
			await api.close();
		}
	});
});

describe('the token store on disk', () => {
	it('holds no token in plain text', async () => {
		await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { authTrace: true }), credential: cc(server) });
		const accessToken = (server.apiRequests[0].authorization as string).replace('Bearer ', '');
		const [file] = tokenFiles();
		expect(findLeaks(readFileSync(file, 'utf8'), [accessToken, TEST_CLIENT.secret])).toEqual([]);
	});

	it.each([
		['tampered', (file: string) => {
			const sealed = JSON.parse(readFileSync(file, 'utf8'));
			const data = Buffer.from(sealed.data, 'base64');
			data[0] ^= 0xff;
			writeFileSync(file, JSON.stringify({ ...sealed, data: data.toString('base64') }));
		}],
		['truncated', (file: string) => truncateSync(file, 20)],
		['emptied', (file: string) => truncateSync(file, 0)],
		['moved under another key', (file: string) => writeFileSync(file, readFileSync(file).toString().replace(/"iv":"[^"]+"/, '"iv":"AAAAAAAAAAAAAAAA"'))],
	])('a %s record is detected and the token fetched again, without a crash', async (_name, damage) => {
		await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: cc(server) });
		damage(tokenFiles()[0]);
		distTokens.clearTokenCache();
		const { error, output } = await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: cc(server) });
		expect(error).toBeUndefined();
		expect(output[0].json.ok).toBe(true);
		expect(server.tokenRequests).toHaveLength(2);
	});
});

describe('token endpoint faults: a specific message, stored state untouched, no secret', () => {
	const cases: Array<[string, (s: OAuth2TestServer) => void, RegExp, RegExp, 'unchanged' | 'renewed']> = [
		['HTTP 500', (s) => s.setFault({ kind: 'status', status: 500, body: 'internal', contentType: 'text/plain' }), /HTTP 500/, /back-off/, 'unchanged'],
		// The item stops waiting; the token request goes on and stores its answer (see tokens/manager.ts).
		['slow beyond the item\'s timeout', (s) => s.setFault({ kind: 'delay', ms: 2500 }), /still in progress after 1 s/, /token endpoint is slow/, 'renewed'],
		['an HTML page', (s) => s.setFault({ kind: 'respond', body: '<html>login</html>', contentType: 'text/html' }), /the answer is an HTML page, not JSON or a form/, /Access Token URL/, 'unchanged'],
		// GitHub answers errors with HTTP 200; the code and description make the message.
		['200 + bad_verification_code', (s) => s.setFault({ kind: 'respond', body: { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' } }), /a successful answer carrying error bad_verification_code \(The code passed is incorrect or expired\.\): the authorization code was rejected/, /Authorize again/, 'unchanged'],
		['200 + an unknown error code, form-encoded', (s) => s.setFault({ kind: 'respond', body: 'error=account_suspended&error_description=ask+the+admin', contentType: 'application/x-www-form-urlencoded' }), /a successful answer carrying error account_suspended \(ask the admin\)/, /documentation for this error code/, 'unchanged'],
		['a redirecting token endpoint', (s) => s.setFault({ kind: 'status', status: 302, body: '', contentType: 'text/plain', headers: { location: 'https://login.example.net/oauth/token?tenant=1' } }), /the token endpoint redirected to login\.example\.net; use the final URL/, /https:\/\/login\.example\.net\/oauth\/token/, 'unchanged'],
		['a 307 to a relative path', (s) => s.setFault({ kind: 'status', status: 307, body: '', headers: { location: '/v2/token' } }), /redirected to 127\.0\.0\.1:\d+; use the final URL/, /\/v2\/token/, 'unchanged'],
		['JSON without an access token', (s) => s.setFault({ kind: 'respond', body: { token_type: 'bearer' } }), /no "access_token" field/, /Custom Token Response Fields/, 'unchanged'],
		['invalid_client', (s) => s.setFault({ kind: 'status', status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }), /invalid_client \(Client authentication failed\)/, /Client Authentication/, 'unchanged'],
	];

	it.each(cases)('%s', async (_name, fault, message, fix, stored) => {
		const clock = offsetClock();
		try {
			await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: cc(server) });
			const [file] = tokenFiles();
			const before = readFileSync(file);
			clock.advance(3_600_000 + 1_000);
			distTokens.clearTokenCache();
			fault(server);
			const result = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { timeout: 1000 }), credential: cc(server) });
			// A token request may outlive the item that waited for it; let it end before the next case.
			await distTokens.whenIdle();
			expect(result.error?.message).toMatch(message);
			expect(result.error?.message).toContain(`${server.url}/token`);
			expect(result.error?.description).toMatch(fix);
			expect(readFileSync(file).equals(before)).toBe(stored === 'unchanged');
			const accessToken = (server.apiRequests[0].authorization as string).replace('Bearer ', '');
			expect(findLeaks(result.run, [TEST_CLIENT.secret, accessToken])).toEqual([]);
		} finally {
			clock.restore();
		}
	});

	it('an item that stops waiting for a retry after a failure reports that failure, not slowness', async () => {
		const clock = offsetClock();
		try {
			await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: cc(server) });
			clock.advance(3_600_000 + 1_000);
			distTokens.clearTokenCache();
			server.setFault({ kind: 'status', status: 503, body: { error: 'temporarily_unavailable' } });
			const first = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { timeout: 1000 }), credential: cc(server) });
			expect(first.error?.message).toMatch(/HTTP 503/);
			// After the back-off the next attempt is slow: the item gives up while it is under way.
			clock.advance(120_000);
			server.setFault({ kind: 'delay', ms: 2500 });
			const callsBefore = server.tokenRequests.length;
			const second = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { timeout: 1000 }), credential: cc(server) });
			await distTokens.whenIdle();
			expect(second.error?.message).toMatch(/HTTP 503, temporarily_unavailable.*; a new attempt was still under way when this item stopped waiting after 1 s$/);
			expect(second.error?.description).toMatch(/back-off|Retry/i);
			expect(server.tokenRequests.length - callsBefore).toBe(1);
		} finally {
			clock.restore();
		}
	});

	it('connection refused names the endpoint and the fix', async () => {
		const closed = await startOAuth2Server();
		const url = closed.tokenUrl;
		await closed.close();
		const result = await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: { ...cc(server), data: { ...cc(server).data, accessTokenUrl: url } } });
		expect(result.error?.message).toMatch(/Token request to .* failed: .*refused the connection/);
		expect(result.error?.description).toMatch(/Check the URL/);
	});

	it('invalid_grant on refresh (revoked grant): "reconnect", the stored state untouched, later items fail fast', async () => {
		const clock = offsetClock();
		try {
			const { refreshToken } = await server.issueGrant();
			await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: authCode(server, refreshToken) });
			const [file] = tokenFiles();
			const before = readFileSync(file);
			server.setFault({ kind: 'status', status: 400, body: { error: 'invalid_grant', error_description: 'refresh token revoked' } });
			clock.advance(3_600_000 + 1_000);
			distTokens.clearTokenCache();
			const result = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { concurrency: 5 }), credential: authCode(server, refreshToken), items: [{}, {}, {}, {}, {}], settings: { continueOnFail: true } });
			expect(result.output).toHaveLength(5);
			for (const item of result.output) {
				expect(item.json.error).toMatch(/invalid_grant/);
				expect(item.json.description).toMatch(/Reconnect the credential/);
			}
			expect(server.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(2);
			expect(readFileSync(file).equals(before)).toBe(true);
			expect(findLeaks(result.run, [refreshToken, TEST_CLIENT.secret])).toEqual([]);
		} finally {
			clock.restore();
		}
	});
});

describe('token answers as real providers send them', () => {
	it('a form-encoded answer is read like JSON: the token works, its expiry and refresh token are kept', async () => {
		const { refreshToken } = await server.issueGrant();
		server.setFault({ kind: 'formEncoded' });
		const credential = authCode(server, refreshToken, { defaultLifetimeMinutes: 5 });
		const { output, error } = await runWorkflow({ parameters: get(`${server.apiUrl}/a`, { authTrace: true }), credential });
		expect(error).toBeUndefined();
		expect(server.apiRequests.map((r) => r.status)).toEqual([200]);
		const trace = output[0].json.authTrace as { tokenSource: string; expiresAt: string };
		expect(trace.tokenSource).toBe('refreshed');
		// expires_in=3600 arrived as text and set the expiry (the default lifetime would give 5 min).
		expect(Date.parse(trace.expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
		// The rotated refresh token from the form was stored: the next refresh uses it, and the grant lives.
		const clock = offsetClock();
		try {
			clock.advance(3_600_000 + 1_000);
			distTokens.clearTokenCache();
			server.setFault(undefined);
			expect((await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential })).error).toBeUndefined();
			const refreshes = server.tokenRequests.filter((r) => r.grantType === 'refresh_token');
			expect(refreshes.map((r) => r.outcome)).toEqual(['issued', 'issued']);
			expect(refreshes[1].body.refresh_token).not.toBe(refreshToken);
			expect(server.revokedGrants.size).toBe(0);
		} finally {
			clock.restore();
		}
	});

	it('200 + bad_refresh_token (GitHub) is a dead grant: "reconnect", state untouched, no further refresh', async () => {
		const clock = offsetClock();
		try {
			const { refreshToken } = await server.issueGrant();
			await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: authCode(server, refreshToken) });
			const [file] = tokenFiles();
			const before = readFileSync(file);
			server.setFault({ kind: 'respond', body: { error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' } });
			clock.advance(3_600_000 + 1_000);
			distTokens.clearTokenCache();
			const first = await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: authCode(server, refreshToken) });
			expect(first.error?.message).toMatch(/carrying error bad_refresh_token \(The refresh token passed is incorrect or expired\.\): the refresh token was rejected/);
			expect(first.error?.description).toMatch(/Reconnect the credential/);
			const refreshesAfterFirst = server.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
			// Long after any back-off would have ended: still the reconnect state, not a new refresh.
			clock.advance(10 * 60_000);
			distTokens.clearTokenCache();
			const second = await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: authCode(server, refreshToken) });
			expect(second.error?.message).toMatch(/bad_refresh_token/);
			expect(server.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(refreshesAfterFirst);
			expect(readFileSync(file).equals(before)).toBe(true);
			expect(findLeaks(second.run, [refreshToken, TEST_CLIENT.secret])).toEqual([]);
		} finally {
			clock.restore();
		}
	});

	it('a redirect is never followed: the client secret goes to the configured URL only', async () => {
		const elsewhere = await startRecordingServer();
		try {
			server.setFault({ kind: 'status', status: 307, body: '', headers: { location: `${elsewhere.url}/token` } });
			const result = await runWorkflow({ parameters: get(`${server.apiUrl}/a`), credential: cc(server) });
			expect(result.error?.message).toMatch(/redirected to 127\.0\.0\.1:\d+; use the final URL/);
			expect(elsewhere.requests).toHaveLength(0);
			expect(server.tokenRequests).toHaveLength(1);
		} finally {
			await elsewhere.close();
		}
	});
});

afterAll(() => {
	rmSync(distStore.tokenStoreDir(), { recursive: true, force: true });
});
