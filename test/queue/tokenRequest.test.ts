/**
 * Queue mode with the Token Request credential: 4 worker processes running n8n's real engine
 * share the token state and the lock through a real Redis, against the login API of
 * test/servers/loginServer.ts with 6-second tokens and single-use rotating refresh tokens (a
 * reused one revokes the whole session). API 401s are reported, not asserted: on a machine whose
 * 2 cores run 4 engines at once, an item can hold a fresh token for seconds before it is sent (the
 * single-process test in test/engine/tokenRequest.test.ts asserts 0 over 20 lifetimes).
 */
import { refreshAt } from '../../lib/tokens/decision';
import { type LoginServer, startLoginServer } from '../servers/loginServer';
import { queueEnvironment, removeUserFolders, settleWorkers, startWorkers, stopWorkers, type WorkerProcess, type WorkerRunResult } from '../support/processes';
import { type RedisServer, startRedis } from '../support/redis';
import { loginCredential, refreshingCredential } from '../support/tokenRequestCredential';
import { parallelItems, runEverywhere, tally } from './fleet';

jest.setTimeout(120_000);

const LIFETIME_MS = 6_000;
/** Renewed when half a token's life is left (3 s, before the clock-skew allowance): a worker slowed down on a busy machine still renews before expiry. */
const SHARE = 0.5;
const WINDOW = { expiry: 'secondsToLive', refreshWindowPercent: SHARE * 100 };
/** How often a token is renewed, by the package's own rules (refresh window, clock-skew allowance). */
const PERIOD_MS = refreshAt({ accessToken: 't', obtainedAt: 0, expiresAt: LIFETIME_MS, expirySource: 'expires_in' }, { refreshMarginMs: 60_000, refreshWindowShare: SHARE });
/** Most renewals `elapsed` ms of load can need: one per refresh interval, plus the first token. */
const most = (elapsed: number) => Math.ceil(elapsed / PERIOD_MS) + 1;

let server: LoginServer;
let redis: RedisServer;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
	[server, redis] = await Promise.all([startLoginServer({ lifetimeMs: LIFETIME_MS, expiryFormat: 'secondsToLive' }), startRedis()]);
	workers = await startWorkers(4, queueEnvironment({ store: 'redis', redisUrl: redis.url, leaseMs: 3_000, pollMs: 50 }));
});
afterAll(async () => {
	await stopWorkers(workers.filter((w) => w.alive));
	await Promise.all([server.close(), redis.stop()]);
	removeUserFolders();
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
	server.options.lifetimeMs = 10 * 60_000;
	// Its own token state (the lifetime is part of the identity): the later tests start without a token.
	const credential = loginCredential(server, { ...WINDOW, lifetimeMinutes: 30 });
	const results = await runEverywhere(workers, parallelItems(`${server.url}/api`, credential, 50));
	server.options.lifetimeMs = LIFETIME_MS;
	expect(tally(results)).toMatchObject({ ok: 200, failures: {} });
	expect(server.counts).toMatchObject({ logins: 1, api401: 0 });
	process.stdout.write(`tokenRequest fleet (first storm): 4 × 50 items, ${server.counts.logins} login, ${server.counts.api401} API 401s\n`);
});

it('login-only renewal under sustained load: at most 1 login per refresh interval across the fleet', async () => {
	server.options.maxLoginsPerMinute = 100;
	const started = Date.now();
	const results = await sustainedLoad(loginCredential(server, WINDOW), 15_000);
	const elapsed = Date.now() - started;
	server.options.maxLoginsPerMinute = 5;
	expect(tally(results).failures).toEqual({});
	const maxLogins = most(elapsed);
	expect(server.counts.logins).toBeGreaterThanOrEqual(2);
	expect(server.counts.logins).toBeLessThanOrEqual(maxLogins);
	process.stdout.write(`tokenRequest fleet (login only): ${results.length} runs in ${elapsed} ms, ${server.counts.logins} logins (max ${maxLogins}), ${server.counts.api401} API 401s\n`);
});

it('a refresh storm: rotating refresh tokens under 4 workers × 50 items, 1 login, at most 1 refresh per interval, 0 revoked sessions', async () => {
	const started = Date.now();
	const results = await sustainedLoad(refreshingCredential(server, WINDOW), 15_000);
	const elapsed = Date.now() - started;
	expect(tally(results).failures).toEqual({});
	const maxRefreshes = most(elapsed);
	expect(server.counts).toMatchObject({ logins: 1, revokedSessions: 0, refusedRefreshes: 0 });
	expect(server.counts.refreshes).toBeGreaterThanOrEqual(2);
	expect(server.counts.refreshes).toBeLessThanOrEqual(maxRefreshes);
	process.stdout.write(`tokenRequest fleet (refresh): ${results.length} runs in ${elapsed} ms, ${server.counts.logins} login, ${server.counts.refreshes} refreshes (max ${maxRefreshes}), ${server.counts.revokedSessions} revoked sessions, ${server.counts.api401} API 401s\n`);
});
