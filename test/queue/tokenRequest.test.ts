/**
 * Queue mode with the Token Request credential: 4 worker processes running n8n's real engine
 * share the token state and the lock through a real Redis, against the login API of
 * test/servers/loginServer.ts with 3-second tokens and single-use rotating refresh tokens (a
 * reused one revokes the whole session).
 */
import { type LoginServer, startLoginServer } from '../servers/loginServer';
import { queueEnvironment, settleWorkers, startWorkers, stopWorkers, type WorkerProcess, type WorkerRunResult } from '../support/processes';
import { type RedisServer, startRedis } from '../support/redis';
import { loginCredential, refreshingCredential } from '../support/tokenRequestCredential';
import { parallelItems, runEverywhere, tally } from './fleet';

jest.setTimeout(120_000);

const LIFETIME_MS = 3_000;
/** Renewed when 30 % of a token's life is left: a worker slowed down on a busy machine still renews before expiry. */
const WINDOW = { expiry: 'secondsToLive', refreshWindowPercent: 30 };

let server: LoginServer;
let redis: RedisServer;
let workers: WorkerProcess[];

beforeAll(async () => {
	[server, redis] = await Promise.all([startLoginServer({ lifetimeMs: LIFETIME_MS, expiryFormat: 'secondsToLive' }), startRedis()]);
	workers = await startWorkers(4, queueEnvironment({ store: 'redis', redisUrl: redis.url, leaseMs: 3_000, pollMs: 50 }));
});
afterAll(async () => {
	await stopWorkers(workers.filter((w) => w.alive));
	await Promise.all([server.close(), redis.stop()]);
});
beforeEach(async () => {
	await settleWorkers(workers);
	server.reset();
});

/** Every worker runs 50 parallel items again and again until `ms` have passed. */
async function sustainedLoad(credential: ReturnType<typeof loginCredential>, ms: number): Promise<WorkerRunResult[]> {
	const results: WorkerRunResult[] = [];
	const endAt = Date.now() + ms;
	await Promise.all(
		workers.map(async (worker) => {
			while (Date.now() < endAt) results.push(await worker.run(parallelItems(`${server.url}/api`, credential, 50)));
		}),
	);
	await settleWorkers(workers);
	return results;
}

it('4 workers × 50 items at once with no token yet → exactly 1 login', async () => {
	const credential = loginCredential(server, { ...WINDOW, username: 'alice', lifetimeMinutes: 1 });
	const results = await runEverywhere(workers, parallelItems(`${server.url}/api`, credential, 50));
	expect(tally(results)).toMatchObject({ ok: 200, failures: {} });
	expect(server.counts).toMatchObject({ logins: 1, api401: 0 });
});

it('login-only renewal under sustained load: 1 login per expiry across the fleet, 0 API 401s', async () => {
	server.options.maxLoginsPerMinute = 100;
	const started = Date.now();
	const results = await sustainedLoad(loginCredential(server, WINDOW), 9_000);
	const elapsed = Date.now() - started;
	server.options.maxLoginsPerMinute = 5;
	expect(tally(results).failures).toEqual({});
	// A token is renewed 0.9 s before its expiry: one login per 2.1 s at most, plus the first.
	const maxLogins = Math.ceil(elapsed / (LIFETIME_MS * 0.7)) + 1;
	expect(server.counts.logins).toBeGreaterThanOrEqual(3);
	expect(server.counts.logins).toBeLessThanOrEqual(maxLogins);
	expect(server.counts.api401).toBe(0);
	process.stdout.write(`tokenRequest fleet (login only): ${results.length} runs in ${elapsed} ms, ${server.counts.logins} logins (max ${maxLogins}), ${server.counts.api401} API 401s\n`);
});

it('a refresh storm: rotating refresh tokens under 4 workers × 50 items, 1 login, 0 revoked sessions, 0 API 401s', async () => {
	const started = Date.now();
	const results = await sustainedLoad(refreshingCredential(server, WINDOW), 12_000);
	const elapsed = Date.now() - started;
	expect(tally(results).failures).toEqual({});
	const maxRefreshes = Math.ceil(elapsed / (LIFETIME_MS * 0.7)) + 1;
	expect(server.counts).toMatchObject({ logins: 1, revokedSessions: 0, refusedRefreshes: 0, api401: 0 });
	expect(server.counts.refreshes).toBeGreaterThanOrEqual(3);
	expect(server.counts.refreshes).toBeLessThanOrEqual(maxRefreshes);
	process.stdout.write(`tokenRequest fleet (refresh): ${results.length} runs in ${elapsed} ms, ${server.counts.logins} login, ${server.counts.refreshes} refreshes (max ${maxRefreshes}), ${server.counts.revokedSessions} revoked sessions, ${server.counts.api401} API 401s\n`);
});
