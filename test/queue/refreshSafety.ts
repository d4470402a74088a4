/**
 * Refresh safety at the edges (issue 11), the same for each store that coordinates processes:
 * 4 worker processes × 50 items against a real OAuth2 server whose refresh tokens are single-use
 * and rotate (presenting a used one revokes the grant), with a slow link in front of its token
 * endpoint. Each case counts what the items ended with and what reached the token endpoint.
 */
import { startOAuth2Server, TEST_CLIENT, type OAuth2TestServer } from '../servers/oauth2Server';
import { type SlowTokenProxy, startSlowTokenProxy } from '../servers/slowTokenProxy';
import { queueEnvironment, removeUserFolders, replaceDeadWorkers, startWorkers, stopWorkers, type WorkerProcess } from '../support/processes';
import { type RedisServer, startRedis } from '../support/redis';
import { findLeaks } from '../support/secrets';
import { killHolderMidRefresh, parallelItems, rotatingCredential, runEverywhere, sleep, tally, type Tally, until } from './fleet';

const LEASE_MS = 3_000;
/** The back-off case runs the package's clock 10 × faster than real time. */
const CLOCK_RATE = 10;
const IN_PROGRESS = /^Token refresh to \S+ still in progress (in another process )?after \d+ s$/;


function summary(outcome: Tally): string {
	return `${outcome.ok} succeeded, ${Object.entries(outcome.failures).map(([m, n]) => `${n} "${m}"`).join(', ') || 'none failed'}`;
}

export function refreshSafetySuite(store: 'file' | 'redis'): void {
	let server: OAuth2TestServer;
	let proxy: SlowTokenProxy;
	let redis: RedisServer | undefined;
	let workers: WorkerProcess[];
	let env: NodeJS.ProcessEnv;
	/** Grants the provider revoked before the current test (the set spans the file). */
	let revokedBefore = 0;
	const grantsRevoked = () => server.revokedGrants.size - revokedBefore;
	const report = (text: string) => console.info(`[${store} store] ${text}`);

	/** The environment of a new n8n installation with this store (a restarted worker reuses its own). */
	const environment = (clockRate = 1) =>
		// Lease and poll are clock time: the same in real time whatever the rate, so that a holder
		// slowed down by a busy machine keeps its lease.
		queueEnvironment({ store, redisUrl: redis?.url, leaseMs: LEASE_MS * clockRate, pollMs: 100 * clockRate, clockRate });

	beforeAll(async () => {
		server = await startOAuth2Server();
		proxy = await startSlowTokenProxy(server.tokenUrl);
		if (store === 'redis') redis = await startRedis();
		env = environment();
		workers = await startWorkers(4, env);
	});
	afterAll(async () => {
		await stopWorkers(workers.filter((w) => w.alive));
		await Promise.all([server.close(), proxy.close(), redis?.stop()]);
		removeUserFolders();
	});
	beforeEach(async () => {
		// A test that failed after killing a worker did not get to replace it.
		workers = await replaceDeadWorkers(workers, env);
		server.tokenRequests.length = 0;
		server.apiRequests.length = 0;
		server.setFault(undefined);
		proxy.reset();
		revokedBefore = server.revokedGrants.size;
	});

	/** A refresh token whose grant the provider has not seen used yet. */
	const freshGrant = async () => (await server.issueGrant()).refreshToken;

	it('token endpoint taking 11 s (longer than the lease): one refresh, every item succeeds, the grant stays alive', async () => {
		proxy.setSlowness({ hold: 'response', ms: 11_000 });
		const credential = rotatingCredential(proxy.tokenUrl, await freshGrant());
		const outcome = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50)));
		expect(outcome.failures).toEqual({});
		expect(outcome.ok).toBe(200);
		expect(proxy.forwarded).toBe(1);
		expect(server.tokenRequests.filter((r) => r.outcome === 'error')).toEqual([]);
		expect(grantsRevoked()).toBe(0);
		report(`11-s token endpoint, 4 processes × 50 items: ${summary(outcome)}; ${proxy.forwarded} token call, 0 invalid_grant`);
	});

	it('token endpoint taking 30 s, items that wait 20 s: they fail with "in progress", no second refresh, and the renewal still lands', async () => {
		proxy.setSlowness({ hold: 'response', ms: 30_000 });
		const credential = rotatingCredential(proxy.tokenUrl, await freshGrant());
		const outcome = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50, 20_000)));
		expect(outcome.ok + Object.entries(outcome.failures).filter(([m]) => IN_PROGRESS.test(m)).reduce((n, [, c]) => n + c, 0)).toBe(200);
		expect(proxy.forwarded).toBe(1);

		// The one renewal was not abandoned with the items: its answer arrives and is stored, so
		// the grant is alive and the next run needs no token call.
		await until(() => proxy.delivered + proxy.undelivered === 1, 20_000, 'the slow answer');
		expect(proxy.delivered).toBe(1);
		await sleep(200);
		proxy.setSlowness(undefined);
		const next = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50)));
		expect(next.ok).toBe(200);
		expect(proxy.forwarded).toBe(1);
		expect(grantsRevoked()).toBe(0);
		report(`30-s token endpoint, items waiting 20 s: ${summary(outcome)}; ${proxy.forwarded} token call, 0 invalid_grant; the next run: ${next.ok} succeeded with no token call`);
	});

	it('a lock holder killed (kill -9) in the middle of a slow refresh: the others go on after the lease, and their errors say why the grant is gone', async () => {
		// The provider rotates the token at once and answers after 8 s: the holder dies before the answer.
		proxy.setSlowness((index) => (index === 0 ? { hold: 'response', ms: 8_000 } : undefined));
		const credential = rotatingCredential(proxy.tokenUrl, await freshGrant());
		const { victimEnd, results, resumedMs } = await killHolderMidRefresh(workers, proxy, parallelItems(server.apiUrl, credential, 50), 1_000);
		const outcome = tally(results);
		expect(String(victimEnd)).toMatch(/SIGKILL/);

		// After the lease, one survivor renewed with the stored refresh token, which the dead
		// holder's request had already used: the provider refused it, and every item says so.
		expect(server.tokenRequests.map((r) => r.outcome)).toEqual(['issued', 'error']);
		expect(outcome.ok).toBe(0);
		expect(Object.keys(outcome.failures)).toEqual([
			expect.stringMatching(/invalid_grant.*the refresh token was rejected.*A refresh sent \d+ s earlier by another n8n process never finished \(the process stopped while waiting for the token endpoint\)/),
		]);
		expect(outcome.failed).toHaveLength(150);
		expect(outcome.failed.every((f) => String(f.description).includes('Reconnect the credential'))).toBe(true);
		expect(resumedMs).toBeGreaterThanOrEqual(LEASE_MS / 2);
		report(`holder killed 1 s into an 8-s refresh (provider had rotated): the 150 items of the others ${summary(outcome)} after ${resumedMs} ms; token calls: ${server.tokenRequests.length}`);
	});

	it('a lock holder killed while its refresh was still on the way to the provider: the others renew after the lease and succeed', async () => {
		proxy.setSlowness((index) => (index === 0 ? { hold: 'request', ms: 60_000 } : undefined));
		const credential = rotatingCredential(proxy.tokenUrl, await freshGrant());
		const { results } = await killHolderMidRefresh(workers, proxy, parallelItems(server.apiUrl, credential, 50), 1_000);
		const outcome = tally(results);
		expect(outcome.failures).toEqual({});
		expect(outcome.ok).toBe(150);
		expect(proxy.forwarded).toBe(1);
		expect(grantsRevoked()).toBe(0);
		report(`holder killed before its refresh reached the provider: the others ${summary(outcome)}, ${proxy.forwarded} token call`);
	});

	it('connection cut after the refresh was sent: no blind second refresh; later, the one retry shows whether the grant survived', async () => {
		// The provider processes the refresh (rotating the token), then the connection drops.
		server.setFault((record) => (server.tokenRequests.indexOf(record) === 0 ? { kind: 'destroyAfterProcessing' } : undefined));
		const credential = rotatingCredential(server.tokenUrl, await freshGrant());
		const outcome = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50)));
		// No second refresh within the back-off (at least half of 1 s, lib/backoff.ts). A worker whose
		// run started after the back-off (a busy machine) may make the one later attempt already.
		const [first, ...others] = server.tokenRequests;
		expect(others.length).toBeLessThanOrEqual(1);
		for (const other of others) expect(other.at - first.at).toBeGreaterThanOrEqual(500);
		expect(outcome.ok).toBe(0);
		expect(outcome.failed).toHaveLength(200);
		expect(Object.keys(outcome.failures).filter((m) => !m.includes('is not sent again blindly') && !(others.length && m.includes('invalid_grant')))).toEqual([]);
		expect(outcome.failed.every((f) => /reconnect the credential/i.test(String(f.description)))).toBe(true);

		// After the back-off, one attempt with the same refresh token (unless made above): the provider had used it.
		await sleep(2_500);
		const later = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50)));
		expect(server.tokenRequests).toHaveLength(2);
		expect(later.ok).toBe(0);
		expect(later.failed).toHaveLength(200);
		expect(Object.keys(later.failures).every((m) => m.includes('invalid_grant'))).toBe(true);
		report(`connection cut after the provider rotated: ${summary(outcome)}, 1 token call; a run after the back-off: 1 more token call, ${summary(later)}`);
	});

	it('connection cut before the provider processed the refresh: the same blind-retry rule, then the later attempt renews and the grant is alive', async () => {
		server.setFault((record) => (server.tokenRequests.indexOf(record) === 0 ? { kind: 'destroy' } : undefined));
		const credential = rotatingCredential(server.tokenUrl, await freshGrant());
		const outcome = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50)));
		expect(server.tokenRequests).toHaveLength(1);
		expect(outcome.ok).toBe(0);
		await sleep(2_500);
		const later = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50)));
		expect(later.ok).toBe(200);
		expect(server.tokenRequests).toHaveLength(2);
		expect(grantsRevoked()).toBe(0);
		report(`connection cut before processing: ${summary(outcome)}; after the back-off ${summary(later)} with 1 more token call`);
	});

	it('a revoked grant, then 200 items: exactly 1 token call, 200 clear reconnect errors without secrets; a new refresh token works at once', async () => {
		const revoked = await freshGrant();
		// Someone else used the refresh token: ours is now a used one, and presenting it revokes the grant.
		const used = await fetch(server.tokenUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${TEST_CLIENT.id}:${TEST_CLIENT.secret}`).toString('base64')}` },
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: revoked }),
		});
		const rotated = (await used.json()) as { access_token: string; refresh_token: string };
		server.tokenRequests.length = 0;

		const credential = rotatingCredential(server.tokenUrl, revoked);
		const results = await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50));
		const outcome = tally(results);
		expect(server.tokenRequests).toHaveLength(1);
		expect(outcome.ok).toBe(0);
		expect(outcome.failed).toHaveLength(200);
		expect(outcome.failed.every((f) => /invalid_grant|revoked/.test(String(f.error)) && String(f.description).includes('Reconnect the credential'))).toBe(true);
		// Neither in the items nor in what the workers logged.
		expect(findLeaks([results, workers.map((w) => w.logs)], [TEST_CLIENT.secret, revoked, rotated.access_token, rotated.refresh_token])).toEqual([]);

		// Later runs fail fast: still no token call.
		const again = tally(await runEverywhere(workers, parallelItems(server.apiUrl, credential, 50)));
		expect(again.failed).toHaveLength(200);
		expect(server.tokenRequests).toHaveLength(1);

		// A new refresh token pasted into the credential: the next run works, no restart.
		const pasted = rotatingCredential(server.tokenUrl, await freshGrant());
		const fixed = tally(await runEverywhere(workers, parallelItems(server.apiUrl, pasted, 50)));
		expect(fixed.ok).toBe(200);
		expect(server.tokenRequests).toHaveLength(2);
		report(`revoked grant: 200 items → ${summary(outcome)}; 1 token call; a second run failed fast with no token call; after pasting a new refresh token ${fixed.ok} succeeded`);
	});

	it('token endpoint answering 503 with Retry-After: 2 to 100 waiting items: token calls follow the back-off schedule, items fail with its error', async () => {
		const fast = await startWorkers(4, environment(CLOCK_RATE));
		try {
			server.setFault({ kind: 'status', status: 503, body: { error: 'temporarily_unavailable' }, headers: { 'retry-after': '2' } });
			const credential = rotatingCredential(server.tokenUrl, await freshGrant());
			// 25 items per process, each allowed 30 s (clock time) for its token.
			const results = await runEverywhere(fast, parallelItems(server.apiUrl, credential, 25, 30_000));
			const outcome = tally(results);
			expect(outcome.ok).toBe(0);
			expect(outcome.failed).toHaveLength(100);
			expect(Object.keys(outcome.failures).filter((m) => !m.includes('HTTP 503'))).toEqual([]);

			// The schedule, in clock time: at least Retry-After (2 s) and the exponential back-off
			// (1, 2, 4, 8… s, jittered down to half: lib/backoff.ts) between attempts, so at most 6
			// attempts fit in 30 s.
			const calls = server.tokenRequests.map((r) => r.at);
			const gaps = calls.slice(1).map((t, i) => ((t - calls[i]) * CLOCK_RATE) / 1000);
			gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.max(2, 0.5 * 2 ** i) - 0.05));
			expect(calls.length).toBeGreaterThanOrEqual(3);
			expect(calls.length).toBeLessThanOrEqual(6);
			// The items waited through the attempts (at least 2 + 2 + 2 s) instead of failing at the first answer.
			const waited = results.map((r) => (r.ms * CLOCK_RATE) / 1000);
			expect(Math.min(...waited)).toBeGreaterThanOrEqual(6);
			report(`503 + Retry-After: 2 to 100 waiting items for 30 s: ${calls.length} token calls, ${gaps.map((g) => g.toFixed(1)).join(', ')} s apart (clock); items gave up after ${waited.map((w) => w.toFixed(0)).join(', ')} s (clock); ${summary(outcome)}`);
		} finally {
			await stopWorkers(fast);
		}
	});
}
