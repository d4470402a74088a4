/**
 * The Token Request credential's lifecycle through n8n's real engine against a login API that
 * behaves like real ones (test/servers/loginServer.ts): one login for many items, every expiry
 * form, rotating refresh tokens, a refused refresh falling back to one login, a refused login
 * remembered (no storm), the rate limit's Retry-After honoured, header/cookie/plain-text tokens.
 */
import { runWorkflow } from '../support/engine';
import { distAgents, distClock, distTokens, offsetClock, resetTokenState } from '../support/dist';
import { type LoginServer, startLoginServer } from '../servers/loginServer';
import { loginCredential, refreshingCredential } from '../support/tokenRequestCredential';
import { refreshAt } from '../../lib/tokens/decision';

let server: LoginServer;
let clock: ReturnType<typeof offsetClock>;

beforeAll(async () => {
	// The server keeps time by the package's clock, so a test can move both past an expiry.
	server = await startLoginServer({ now: () => distClock.clock().now() });
});
afterAll(async () => {
	await server.close();
	distAgents.destroyAgents();
});
beforeEach(async () => {
	await resetTokenState();
	server.reset();
	server.options.expiryFormat = 'iso';
	server.options.lifetimeMs = 15 * 60_000;
	clock = offsetClock();
});
afterEach(() => clock.restore());

const get = (path: string, options: Record<string, unknown> = {}) => ({ method: 'GET', url: `${server.url}${path}`, options });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('one login for every item', () => {
	it('200 parallel items → exactly 1 login, 200 answers, 0 API 401s', async () => {
		const { output, error } = await runWorkflow({ parameters: get('/api/orders', { concurrency: 200 }), credential: loginCredential(server), items: items(200) });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(200);
		expect(output.every((item) => item.json.ok === true)).toBe(true);
		expect(server.counts).toMatchObject({ logins: 1, api401: 0, apiOk: 200 });
	});

	it('the next run uses the stored token; a changed password means a new login', async () => {
		await runWorkflow({ parameters: get('/api/a'), credential: loginCredential(server) });
		await runWorkflow({ parameters: get('/api/a'), credential: loginCredential(server) });
		expect(server.counts.logins).toBe(1);
		server.options.users.bob = 'other pass';
		await runWorkflow({ parameters: get('/api/a'), credential: loginCredential(server, { username: 'bob', password: 'other pass' }) });
		expect(server.counts.logins).toBe(2);
		delete server.options.users.bob;
	});
});

describe('expiry read in every form the answer gives it', () => {
	const cases = [
		['iso', { expiry: 'iso' }],
		['iso', { expiry: 'absolute' }],
		['epochSeconds', { expiry: 'epochSeconds' }],
		['epochSeconds', { expiry: 'absolute' }],
		['epochMilliseconds', { expiry: 'epochMilliseconds' }],
		['epochMilliseconds', { expiry: 'absolute' }],
		['secondsToLive', { expiry: 'secondsToLive' }],
		['jwt', { expiry: 'jwtOrFixed', expiryPath: '' }],
	] as const;
	it.each(cases)('%s read as %j: used until the refresh window, renewed before the server expires it', async (format, extra) => {
		server.options.expiryFormat = format;
		const credential = loginCredential(server, { ...extra, lifetimeMinutes: 600 });
		await runWorkflow({ parameters: get('/api/a'), credential });
		clock.advance(15 * 60_000 - 90_000); // 90 s before expiry: outside the 60 s margin
		await runWorkflow({ parameters: get('/api/a'), credential });
		expect(server.counts.logins).toBe(1);
		clock.advance(45_000); // 45 s before expiry: inside it
		await runWorkflow({ parameters: get('/api/a'), credential });
		await distTokens.whenIdle();
		expect(server.counts.logins).toBe(2);
		clock.advance(60_000); // the first token has expired at the server
		await runWorkflow({ parameters: get('/api/a'), credential });
		expect(server.counts).toMatchObject({ logins: 2, api401: 0 });
	});

	it('a fixed lifetime when the answer says nothing (a shorter one than the server\'s would be renewed early)', async () => {
		server.options.expiryFormat = 'none';
		const credential = loginCredential(server, { expiry: 'fixed', expiryPath: '', lifetimeMinutes: 5 });
		await runWorkflow({ parameters: get('/api/a'), credential });
		clock.advance(5 * 60_000 + 1_000);
		await runWorkflow({ parameters: get('/api/a'), credential });
		expect(server.counts.logins).toBe(2);
	});
});

describe('the refresh request', () => {
	it('renews with the rotating refresh token instead of logging in; a storm of items at expiry sends 1 refresh and revokes nothing', async () => {
		const credential = refreshingCredential(server);
		await runWorkflow({ parameters: get('/api/a'), credential });
		for (let lifetime = 0; lifetime < 5; lifetime++) {
			clock.advance(15 * 60_000 + 1_000);
			const { output } = await runWorkflow({ parameters: get('/api/a', { concurrency: 50 }), credential, items: items(50) });
			expect(output.every((item) => item.json.ok === true)).toBe(true);
		}
		expect(server.counts).toMatchObject({ logins: 1, refreshes: 5, revokedSessions: 0, refusedRefreshes: 0, api401: 0 });
	});

	it('a refused refresh token (session revoked) → one new login, and the items succeed', async () => {
		const credential = refreshingCredential(server);
		await runWorkflow({ parameters: get('/api/a'), credential });
		server.revokeAll();
		clock.advance(15 * 60_000 + 1_000);
		const { output, error } = await runWorkflow({ parameters: get('/api/a', { concurrency: 20 }), credential, items: items(20) });
		expect(error).toBeUndefined();
		expect(output.every((item) => item.json.ok === true)).toBe(true);
		expect(server.counts).toMatchObject({ logins: 2, refusedRefreshes: 1, refreshes: 0 });
	});

	it('a token the API rejects before its expiry → one renewal and one retry per item, 1 refresh for all', async () => {
		const credential = refreshingCredential(server);
		await runWorkflow({ parameters: get('/api/a'), credential });
		server.revokeAll(); // the API now rejects the token; its refresh token is refused too
		const { output } = await runWorkflow({ parameters: get('/api/a', { concurrency: 10 }), credential, items: items(10) });
		expect(output.every((item) => item.json.ok === true)).toBe(true);
		expect(server.counts).toMatchObject({ logins: 2, refusedRefreshes: 1, api401: 10 });
	});
});

describe('renewal before expiry, in real time', () => {
	it('2-second tokens over 20 lifetimes: renewed in the background before they expire, 0 API 401s, 1 login', async () => {
		server.options.expiryFormat = 'secondsToLive';
		server.options.lifetimeMs = 2_000;
		// Renewed 0.8 s before the end of the token's usable life (40 % of 2 s; the clock-skew allowance takes
		// another 0.4 s): headroom for a run slowed down on a busy machine.
		const credential = refreshingCredential(server, { expiry: 'secondsToLive', refreshWindowPercent: 40 });
		const period = refreshAt({ accessToken: 't', obtainedAt: 0, expiresAt: 2_000, expirySource: 'expires_in' }, { refreshMarginMs: 60_000, refreshWindowShare: 0.4 });
		const end = Date.now() + 20 * 2_000;
		let runs = 0;
		while (Date.now() < end) {
			const { output } = await runWorkflow({ parameters: get('/api/a', { concurrency: 3 }), credential, items: items(3) });
			expect(output.every((item) => item.json.ok === true)).toBe(true);
			runs++;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		await distTokens.whenIdle();
		expect(runs).toBeGreaterThan(20);
		expect(server.counts).toMatchObject({ logins: 1, api401: 0, revokedSessions: 0, refusedRefreshes: 0 });
		// At most one renewal per refresh period (0.8 s: no renewal storm), and at least one per lifetime.
		expect(server.counts.refreshes).toBeGreaterThanOrEqual(20);
		expect(server.counts.refreshes).toBeLessThanOrEqual(Math.ceil(40_000 / period) + 2);
		process.stdout.write(`tokenRequest 20 lifetimes: ${runs} runs, ${server.counts.logins} login, ${server.counts.refreshes} refreshes, ${server.counts.api401} API 401s, ${server.counts.revokedSessions} revoked sessions\n`);
	}, 90_000);
});

describe('a refused login is remembered: no login storm', () => {
	it('wrong password: 1 attempt for 30 items, a clear error on each, none until the pause is over', async () => {
		const credential = loginCredential(server, { password: 'wrong horse' });
		const first = await runWorkflow({ parameters: get('/api/a', { concurrency: 30 }), credential, items: items(30), settings: { continueOnFail: true } });
		expect(first.output).toHaveLength(30);
		for (const item of first.output) expect(String(item.json.error)).toMatch(/Login request to .*\/auth\/login failed: HTTP 401, the login was refused \(the server says: "Invalid username or password"\)/);
		expect(server.counts.refusedLogins).toBe(1);
		for (let run = 0; run < 5; run++) {
			clock.advance(10_000);
			const again = await runWorkflow({ parameters: get('/api/a', { concurrency: 30 }), credential, items: items(30), settings: { continueOnFail: true } });
			expect(again.output.every((item) => /no new token request for \d+ s/.test(String(item.json.error)))).toBe(true);
		}
		expect(server.counts.refusedLogins).toBe(1);
		clock.advance(15_000); // 65 s after the refusal
		await runWorkflow({ parameters: get('/api/a'), credential, settings: { continueOnFail: true } });
		expect(server.counts.refusedLogins).toBe(2);
		// Fixing the password is a new credential state: the login goes out at once.
		const fixed = await runWorkflow({ parameters: get('/api/a'), credential: loginCredential(server) });
		expect(fixed.output[0].json.ok).toBe(true);
		expect(server.counts.logins).toBe(1);
	});

	it('the login rate limit (429 + Retry-After) is honoured: no attempt before the server allows it', async () => {
		// Five users log in within a minute; the sixth gets 429 with the seconds until the window frees.
		for (let user = 0; user < 5; user++) {
			server.options.users[`user${user}`] = 'pw-of-user';
			await runWorkflow({ parameters: get('/api/a'), credential: loginCredential(server, { username: `user${user}`, password: 'pw-of-user' }) });
		}
		expect(server.counts.logins).toBe(5);
		server.options.users.user5 = 'pw-of-user';
		const credential = loginCredential(server, { username: 'user5', password: 'pw-of-user' });
		const limited = await runWorkflow({ parameters: get('/api/a', { timeout: 5_000 }), credential, settings: { continueOnFail: true } });
		expect(String(limited.output[0].json.error)).toMatch(/HTTP 429/);
		expect(server.counts.rateLimited).toBe(1);
		clock.advance(30_000);
		await runWorkflow({ parameters: get('/api/a', { timeout: 5_000 }), credential, settings: { continueOnFail: true } });
		expect(server.counts.rateLimited).toBe(1); // still inside Retry-After: not sent
		clock.advance(31_000);
		const after = await runWorkflow({ parameters: get('/api/a'), credential });
		expect(after.output[0].json.ok).toBe(true);
		expect(server.counts).toMatchObject({ logins: 6, rateLimited: 1 });
		for (let user = 0; user < 6; user++) delete server.options.users[`user${user}`];
	});
});

describe('tokens in other places', () => {
	it('API key → plain-text JWT, expiry from its exp, sent as Bearer', async () => {
		server.options.expiryFormat = 'jwt';
		const credential = {
			type: 'apiAuthTokenRequest',
			data: { loginUrl: `${server.url}/api/token`, loginBodyType: 'none', loginAuthentication: 'apiKey', apiKey: server.options.apiKey, tokenFrom: 'text', expiry: 'jwtOrFixed' },
		};
		const { output } = await runWorkflow({ parameters: get('/api/a', { concurrency: 20 }), credential, items: items(20) });
		expect(output.every((item) => item.json.ok === true)).toBe(true);
		expect(server.counts.logins).toBe(1);
		clock.advance(15 * 60_000 + 1_000);
		await runWorkflow({ parameters: get('/api/a'), credential });
		expect(server.counts).toMatchObject({ logins: 2, api401: 0 });
	});

	it('a session cookie from Set-Cookie (its Max-Age is the expiry), sent back as Cookie beside the request\'s own cookies', async () => {
		const credential = {
			type: 'apiAuthTokenRequest',
			data: { loginUrl: `${server.url}/session/login`, loginBodyType: 'form', loginBody: 'username={{username}}&password={{password}}', username: 'alice', password: 'correct horse', tokenFrom: 'cookie', tokenCookie: 'sid', sendTokenIn: 'cookie' },
		};
		const { output } = await runWorkflow({ parameters: { ...get('/api/a'), sendHeaders: true, headerParameters: { parameters: [{ name: 'Cookie', value: 'lang=en' }] } }, credential, items: items(5) });
		expect(output.every((item) => item.json.ok === true)).toBe(true);
		const apiCall = server.requests.find((r) => r.path === '/api/a');
		expect(String(apiCall?.headers.cookie)).toMatch(/^lang=en; sid=tok_/);
		clock.advance(15 * 60_000 + 1_000);
		await runWorkflow({ parameters: get('/api/a'), credential });
		expect(server.counts).toMatchObject({ logins: 2, api401: 0 });
	});

	it('a token from a response header, sent in a custom header', async () => {
		const credential = loginCredential(server, { loginUrl: `${server.url}/auth/login-header`, tokenFrom: 'header', tokenHeader: 'X-Auth-Token', expiry: 'fixed', sendTokenIn: 'customHeader', sendHeaderName: 'X-Auth-Token' });
		const { output } = await runWorkflow({ parameters: get('/api/a'), credential });
		expect(output[0].json.ok).toBe(true);
		expect(server.requests.find((r) => r.path === '/api/a')?.headers['x-auth-token']).toMatch(/^tok_/);
	});

	it('a token in a query parameter', async () => {
		const credential = loginCredential(server, { sendTokenIn: 'query', sendQueryName: 'access_token' });
		const { output } = await runWorkflow({ parameters: get('/api/a'), credential });
		expect(output[0].json.ok).toBe(true);
	});
});
