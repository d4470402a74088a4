/**
 * Queue mode: 4 worker processes, each running n8n's real engine with the built package, share
 * token state and the refresh lock through a real Redis, against a real OAuth2 server that issues
 * 3-second tokens and single-use rotating refresh tokens (a reused one revokes the grant).
 */
import { RedisTokenStore } from '../../lib/stores/redisStore';
import { silentLogger } from '../../lib/services';
import { startOAuth2Server, type OAuth2TestServer } from '../servers/oauth2Server';
import { type SlowTokenProxy, startSlowTokenProxy } from '../servers/slowTokenProxy';
import { queueEnvironment, removeUserFolders, replaceDeadWorkers, settleWorkers, startWorkers, stopWorkers, type WorkerProcess, type WorkerRunResult } from '../support/processes';
import { type RedisServer, startRedis } from '../support/redis';
import { assertRenewedOncePerExpiry, killHolderMidRefresh, parallelItems, rotatingCredential, runEverywhere, sleep, sustainedRuns, tally, tokenKeyOf, watchTimingSlack } from './fleet';

jest.setTimeout(120_000);

const LIFETIME_MS = 3_000;
/**
 * The credential renews a token when 30 % of its life is left (0.9 s of a 3-s token), so that a
 * worker slowed down by the others on a 2-core machine still renews before the provider's expiry.
 */
const WINDOW = 0.3;
const credentialFor = (tokenUrl: string, refreshToken: string) => rotatingCredential(tokenUrl, refreshToken, { refreshWindowPercent: WINDOW * 100 });
const LEASE_MS = 3_000;

let server: OAuth2TestServer;
let proxy: SlowTokenProxy;
let redis: RedisServer;
let env: NodeJS.ProcessEnv;
let workers: WorkerProcess[];

beforeAll(async () => {
	[server, redis] = await Promise.all([startOAuth2Server({ accessTokenLifetime: LIFETIME_MS / 1000 }), startRedis()]);
	proxy = await startSlowTokenProxy(server.tokenUrl);
	env = queueEnvironment({ store: 'redis', redisUrl: redis.url, leaseMs: LEASE_MS, pollMs: 50 });
	workers = await startWorkers(4, env);
});
afterAll(async () => {
	await stopWorkers(workers.filter((w) => w.alive));
	await Promise.all([server.close(), proxy.close(), redis.stop()]);
	removeUserFolders();
});
beforeEach(async () => {
	// A test that failed after killing a worker did not get to replace it.
	workers = await replaceDeadWorkers(workers, env);
	// A renewal before expiry that a previous test's run started may still be on its way.
	await settleWorkers(workers);
	server.tokenRequests.length = 0;
	server.apiRequests.length = 0;
	proxy.reset();
});

const sustainedLoad = (credential: ReturnType<typeof credentialFor>, ms: number, fleet = workers) => sustainedRuns(fleet, parallelItems(server.apiUrl, credential, 50), ms);
const assertOneCallPerExpiry = async (slack: () => Promise<number>) => assertRenewedOncePerExpiry(proxy, server, WINDOW, await slack());

it('4 workers × 50 parallel items over several token lifetimes: every item succeeds, one token call per expiry, no invalid_grant', async () => {
	const { refreshToken } = await server.issueGrant();
	const slack = await watchTimingSlack(workers);
	const results = await sustainedLoad(credentialFor(proxy.tokenUrl, refreshToken), 12_000);

	const outcome = tally(results);
	expect(outcome.workflowErrors).toEqual([]);
	expect(outcome.failures).toEqual({});
	expect(outcome.ok).toBe(results.length * 50);
	expect(server.tokenRequests.every((r) => r.grantType === 'refresh_token' && r.outcome === 'issued')).toBe(true);
	expect(server.revokedGrants.size).toBe(0);

	const count = await assertOneCallPerExpiry(slack);
	// 12 s of tokens renewed after at most 2.1 s.
	expect(count).toBeGreaterThanOrEqual(5);
	const rejected = server.apiRequests.filter((r) => r.status === 401).length;
	console.info(
		`queue mode, 4 workers × 50 items for 12 s, 3-s tokens renewed at 70 %: ${results.length} runs, ${outcome.ok} items ok, ${count} token calls (the first refresh + ${count - 1} expiries), ` +
			`0 invalid_grant, ${rejected} API 401s of ${server.apiRequests.length} requests; lifetimes given ${proxy.exchanges.map((e) => e.expiresIn).join(', ')} s`,
	);
});

it('a worker killed (kill -9) while it holds the lock: the others continue once the lease ends, and the stored state stays intact', async () => {
	const { refreshToken } = await server.issueGrant();
	const credential = credentialFor(proxy.tokenUrl, refreshToken);
	// The first token request hangs on the way to the provider: its sender holds the lock meanwhile.
	proxy.setSlowness((index) => (index === 0 ? { hold: 'request', ms: 60_000 } : undefined));
	const { victimEnd, results, resumedMs } = await killHolderMidRefresh(workers, proxy, parallelItems(server.apiUrl, credential, 50), 500);
	const outcome = tally(results);
	expect(String(victimEnd)).toMatch(/ended \(SIGKILL\)/);
	expect(outcome.failures).toEqual({});
	expect(outcome.ok).toBe(150);
	// The survivors waited for the lease (renewed every third of it until the kill), then exactly one of them renewed.
	expect(resumedMs).toBeGreaterThanOrEqual(LEASE_MS / 2);
	expect(server.tokenRequests).toHaveLength(1);
	expect(proxy.forwarded).toBe(1);
	expect(server.revokedGrants.size).toBe(0);

	// State intact: Redis holds the token the API accepted, and a new worker (a restart) uses it.
	const store = new RedisTokenStore({ url: redis.url, options: {}, label: 'test' }, env.N8N_ENCRYPTION_KEY as string, silentLogger);
	const stored = await store.getState(tokenKeyOf(credential));
	await store.close();
	const lastAuthorization = server.apiRequests[server.apiRequests.length - 1].authorization;
	expect(`Bearer ${stored?.accessToken}`).toBe(lastAuthorization);
	const [replacement] = await startWorkers(1, env);
	workers[0] = replacement;
	const again = await replacement.run(parallelItems(server.apiUrl, credential, 50));
	expect(tally([again]).ok).toBe(50);
	// (Its token may be due for renewal by now: then it renewed with the stored refresh token.)
	expect(server.tokenRequests.every((r) => r.outcome === 'issued')).toBe(true);
	expect(server.revokedGrants.size).toBe(0);
	console.info(`kill -9 of the lock holder: 150 of 150 items of the 3 other workers succeeded with 1 token call after the lease (${LEASE_MS} ms) ended, ${resumedMs} ms after the kill; a restarted worker went on from the stored state`);
});

it('Redis stopped mid-run and started again empty: workflows keep succeeding, one token call per expiry, no token lost', async () => {
	// Workers of one host: during an outage only processes sharing an n8n folder coordinate (README,
	// "When Redis is away"); on separate hosts a rotating refresh token would be presented twice.
	const oneHost = await startWorkers(4, queueEnvironment({ store: 'redis', redisUrl: redis.url, leaseMs: LEASE_MS, pollMs: 50, hosts: 'shared' }));
	try {
		const { refreshToken } = await server.issueGrant();
		const credential = credentialFor(proxy.tokenUrl, refreshToken);
		const slack = await watchTimingSlack(oneHost);
		const outage = (async () => {
			await sleep(3_000);
			await redis.stop();
			await sleep(3_000);
			await redis.start();
		})();
		// Awaited also when the load throws: a coroutine left running would restart redis-server after teardown.
		let results: WorkerRunResult[];
		try {
			results = await sustainedLoad(credential, 12_000, oneHost);
		} finally {
			await outage;
		}

		const outcome = tally(results);
		expect(outcome.workflowErrors).toEqual([]);
		expect(outcome.failures).toEqual({});
		expect(outcome.ok).toBe(results.length * 50);
		expect(server.revokedGrants.size).toBe(0);
		expect(server.tokenRequests.every((r) => r.outcome === 'issued')).toBe(true);
		const count = await assertOneCallPerExpiry(slack);

		// Each worker said it once when Redis went away and once when it came back: not per item.
		for (const worker of oneHost) {
			const said = (text: string) => worker.logs.filter((l) => l.message.includes(text)).length;
			expect(said('cannot be used')).toBe(1);
			expect(said('shared by all workers again')).toBe(1);
		}
		// Nothing lost: the token renewed during the outage went back into the empty Redis.
		await sleep(LIFETIME_MS);
		const before = server.tokenRequests.length;
		const after = await runEverywhere(oneHost, parallelItems(server.apiUrl, credential, 50));
		expect(tally(after).ok).toBe(200);
		expect(server.tokenRequests.length - before).toBe(1);
		expect(server.revokedGrants.size).toBe(0);
		console.info(`Redis stopped for 3 s and restarted empty under load: ${outcome.ok} items ok, 0 failed, ${count} token calls in 12 s of 3-s tokens, 0 invalid_grant`);
	} finally {
		await stopWorkers(oneHost);
	}
});
