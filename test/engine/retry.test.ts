/**
 * Retries through n8n's real engine: Retry-After (seconds and HTTP date) and back-off asserted
 * on a test clock that records every wait, the rules for POST, the limits, and a retry that
 * carries the token renewed while it waited.
 */
import { distAgents, recordingClock, resetTokenState } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { type Handler, type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_retry_5ecret_Bearer_Value_7';

let api: RecordingServer;
let oauth: OAuth2TestServer;
let clock: ReturnType<typeof recordingClock>;

beforeAll(async () => {
	api = await startRecordingServer();
	oauth = await startOAuth2Server({ accessTokenLifetime: 3600 });
});
afterAll(async () => {
	await api.close();
	await oauth.close();
	distAgents.destroyAgents();
});
beforeEach(() => {
	api.requests.length = 0;
	clock = recordingClock();
});
afterEach(() => clock.restore());

/** Answers with `failures` first (one per request), then 200. */
function failingFirst(...failures: Array<ReturnType<Handler>>): Handler {
	const queue = [...failures];
	return (req) => queue.shift() ?? { status: 200, body: { ok: true, path: req.path } };
}

const bearer = { type: 'apiAuthBearerToken', data: { token: TOKEN } };
const request = (method: string, options: Record<string, unknown> = {}) => ({ method, url: `${api.url}/orders`, options });
const retries = (settings: Record<string, unknown>) => ({ retry: { settings } });

describe('Retry-After', () => {
	it('in seconds: waits exactly that long, then succeeds', async () => {
		api.setHandler(failingFirst({ status: 429, headers: { 'retry-after': '3' }, body: { error: 'rate limited' } }));
		const { output, error } = await runWorkflow({ parameters: request('GET'), credential: bearer });
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ ok: true, path: '/orders' });
		expect(clock.waits).toEqual([3000]);
		expect(api.requests).toHaveLength(2);
		expect(api.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
	});

	it('as an HTTP date: waits until then, measured on the clock', async () => {
		api.setHandler(failingFirst({ status: 503, headers: { 'retry-after': new Date(clock.now() + 42_000).toUTCString() } }));
		const { error } = await runWorkflow({ parameters: request('GET'), credential: bearer });
		expect(error).toBeUndefined();
		expect(clock.waits).toHaveLength(1);
		// An HTTP date has whole seconds: between 41 and 42 s remain when the answer is read.
		expect(clock.waits[0]).toBeGreaterThan(40_000);
		expect(clock.waits[0]).toBeLessThanOrEqual(42_000);
	});

	it('longer than Maximum Wait: no retry; the 429 is reported with its diagnosis', async () => {
		api.setHandler(failingFirst({ status: 429, headers: { 'retry-after': '600' } }));
		const { error } = await runWorkflow({ parameters: request('GET', retries({ maxWaitSeconds: 60 })), credential: bearer });
		expect(error?.message).toContain('the API is rate limiting requests (429)');
		expect(clock.waits).toEqual([]);
		expect(api.requests).toHaveLength(1);
	});
});

describe('back-off without Retry-After', () => {
	it('doubles with jitter from First Wait, up to Maximum Attempts, then reports the last answer', async () => {
		api.setHandler(() => ({ status: 502, body: { error: 'bad gateway' } }));
		const { error } = await runWorkflow({ parameters: request('GET', retries({ maxAttempts: 4, firstWaitMs: 200 })), credential: bearer });
		expect(error?.message).toContain('server error (502)');
		expect(api.requests).toHaveLength(4);
		expect(clock.waits).toHaveLength(3);
		[[100, 200], [200, 400], [400, 800]].forEach(([low, high], i) => {
			expect(clock.waits[i]).toBeGreaterThanOrEqual(low);
			expect(clock.waits[i]).toBeLessThanOrEqual(high);
		});
	});

	it('Maximum Attempts 1 turns retries off', async () => {
		api.setHandler(() => ({ status: 500 }));
		await runWorkflow({ parameters: request('GET', retries({ maxAttempts: 1 })), credential: bearer });
		expect(api.requests).toHaveLength(1);
		expect(clock.waits).toEqual([]);
	});

	it('a refused connection is retried, then diagnosed', async () => {
		const closed = await startRecordingServer();
		await closed.close();
		const { error } = await runWorkflow({ parameters: { method: 'GET', url: `${closed.url}/x` }, credential: bearer });
		expect(error?.message).toContain('refused the connection');
		expect(clock.waits).toHaveLength(2);
	});
});

describe('POST', () => {
	it('is not repeated after a 500: the order may exist already', async () => {
		api.setHandler(failingFirst({ status: 500 }));
		const { error } = await runWorkflow({ parameters: { ...request('POST'), sendBody: true, jsonBody: '{"order":1}' }, credential: bearer });
		expect(error?.message).toContain('server error (500)');
		expect(api.requests).toHaveLength(1);
	});

	it('is repeated, body and all, after a 429 and a 503', async () => {
		api.setHandler(failingFirst({ status: 429, headers: { 'retry-after': '1' } }, { status: 503 }));
		const { error } = await runWorkflow({ parameters: { ...request('POST'), sendBody: true, jsonBody: '{"order":1}' }, credential: bearer });
		expect(error).toBeUndefined();
		expect(api.requests.map((r) => r.body.toString())).toEqual(['{"order":1}', '{"order":1}', '{"order":1}']);
		expect(clock.waits[0]).toBe(1000);
	});
});

describe('with OAuth2', () => {
	beforeEach(async () => {
		await resetTokenState();
		oauth.tokenRequests.length = 0;
	});

	it('a retry goes through the exchange again and carries the token renewed during the wait', async () => {
		// The wait runs past the token's 3600 s expiry: the retry has to wait for a renewed one.
		api.setHandler(failingFirst({ status: 503, headers: { 'retry-after': '3601' } }));
		const { error, output } = await runWorkflow({
			parameters: request('GET', retries({ maxWaitSeconds: 3700 })),
			credential: { type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret } },
		});
		expect(error).toBeUndefined();
		expect(output[0].json.ok).toBe(true);
		expect(clock.waits).toEqual([3_601_000]);
		expect(oauth.tokenRequests).toHaveLength(2);
		const [first, second] = api.requests.map((r) => r.headers.authorization);
		expect(first).toMatch(/^Bearer /);
		expect(second).toMatch(/^Bearer /);
		expect(second).not.toBe(first);
	});
});
