/**
 * No request meets an expired token: against oidc-provider (a certified OpenID Connect server)
 * issuing JWT access tokens whose exp is in whole seconds, with an API that checks exp to the
 * second (as of the request's arrival). 50 items at a time, again and again for 20 token
 * lifetimes of 2 s and of 5 s, client credentials and rotating refresh tokens, in this process and
 * in 4 worker processes sharing the Redis store: no API 401 (unless a process stalled longer than
 * the margin the package keeps, see clearMs), every item succeeds, one to three token calls per
 * lifetime (whole-second exp, rounding, skew and transit allowances shorten a short token's
 * usable life: see mostCalls), no invalid_grant.
 */
import { type OidcServer, OIDC_CLIENT, OIDC_RESOURCE, startOidcServer } from '../servers/oidcServer';
import { runWorkflow } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { queueEnvironment, removeUserFolders, settleWorkers, startWorkers, stopWorkers, type WorkerProcess, type WorkerRunOptions } from '../support/processes';
import { type RedisServer, startRedis } from '../support/redis';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tally } from './fleet';

jest.setTimeout(180_000);

const ITEMS = 50;
const LIFETIMES = Number(process.env.OIDC_LIFETIMES || 20);
const WORKERS = 4;

const credential = (server: OidcServer, refreshToken?: string): WorkerRunOptions['credential'] => ({
	type: 'apiAuthOAuth2',
	data: {
		grantType: refreshToken ? 'authorizationCode' : 'clientCredentials',
		accessTokenUrl: server.tokenUrl,
		clientId: OIDC_CLIENT.id,
		clientSecret: OIDC_CLIENT.secret,
		resource: OIDC_RESOURCE,
		...(refreshToken ? { refreshToken } : { scope: 'api:read' }),
	},
});
const load = (server: OidcServer, cred: WorkerRunOptions['credential']): WorkerRunOptions => ({
	parameters: { method: 'GET', url: `${server.apiUrl}/orders`, options: { concurrency: ITEMS } },
	credential: cred,
	items: Array.from({ length: ITEMS }, (_, i) => ({ i })),
	settings: { onError: 'continueRegularOutput' },
});

/** Runs `run` again and again until `ms` have passed; the items' outcomes, tallied. */
async function sustain(ms: number, run: () => Promise<{ items: Array<Record<string, unknown>> }>): Promise<{ ok: number; failed: number }> {
	let ok = 0;
	let failed = 0;
	const endAt = Date.now() + ms;
	while (Date.now() < endAt) {
		const { items } = await run();
		const t = tally([{ items: items as never, ms: 0 }]);
		ok += t.ok;
		failed += t.failed.length;
	}
	return { ok, failed };
}

/**
 * The package keeps at least a fifth of a token's life clear before its expiry (the skew
 * allowance; the transit allowance adds to it once requests were slow). The shortest life
 * it computes for an n-second token is n - 1 s (exp in whole seconds, expires_in rounded).
 * A process that stalls longer than that after handing a token out delivers it expired: no
 * code can prevent that, so then the 401s are counted (each one renewed and retried: no item
 * fails) rather than required to be 0.
 */
const clearMs = (lifetimeS: number) => 0.2 * (lifetimeS - 1) * 1000;
/**
 * The most token calls the rules allow: a renewal no sooner than the token stops being sent,
 * which for the shortest computed life is after three fifths of it (skew and transit
 * allowances take a fifth each at most).
 */
const mostCalls = (lifetimeS: number) => Math.ceil((LIFETIMES * lifetimeS) / (0.6 * (lifetimeS - 1))) + 1;

/** The figures of one run, printed so that they can be quoted, then held to the goals. */
async function expectNoExpiredToken(
	server: OidcServer,
	name: string,
	run: { lifetimeS: number; grantType: string; stalledMs: number },
	outcome: { ok: number; failed: number },
): Promise<void> {
	const stats = await server.stats();
	const calls = stats.tokenCalls[run.grantType] ?? 0;
	const rejected = stats.api['401'] ?? 0;
	const stalledMs = Math.round(Math.max(run.stalledMs, stats.loopDelayMaxMs));
	process.stdout.write(
		`oidc ${name}: ${outcome.ok} items ok, ${outcome.failed} failed, API ${JSON.stringify(stats.api)}, token calls ${JSON.stringify(stats.tokenCalls)}, errors ${JSON.stringify(stats.tokenErrors)}, ` +
			`longest stall ${stalledMs} ms (margin ${clearMs(run.lifetimeS)} ms), first rejections ${JSON.stringify(stats.rejections)}\n`,
	);
	expect(stats.invalidGrant).toBe(0);
	expect(outcome.failed).toBe(0);
	expect(rejected).toBeLessThanOrEqual(stalledMs < clearMs(run.lifetimeS) ? 0 : outcome.ok / 20);
	// At least one call per lifetime (no token used past its expiry).
	expect(calls).toBeGreaterThanOrEqual(LIFETIMES - 1);
	expect(calls).toBeLessThanOrEqual(mostCalls(run.lifetimeS));
}

/** How late this process's event loop runs while `run` runs. */
async function timingStalls<T>(run: () => Promise<T>): Promise<{ result: T; stalledMs: number }> {
	const delay = monitorEventLoopDelay({ resolution: 10 });
	delay.enable();
	try {
		const result = await run();
		return { result, stalledMs: delay.max / 1e6 };
	} finally {
		delay.disable();
	}
}

describe.each([2, 5])('%i-second JWT access tokens', (lifetimeS) => {
	const duration = LIFETIMES * lifetimeS * 1000;
	let server: OidcServer;
	let redis: RedisServer;
	let workers: WorkerProcess[] = [];
	beforeAll(async () => {
		[server, redis] = await Promise.all([startOidcServer(lifetimeS), startRedis()]);
		workers = await startWorkers(WORKERS, queueEnvironment({ store: 'redis', redisUrl: redis.url, leaseMs: 3_000, pollMs: 50 }));
	});
	afterAll(async () => {
		await stopWorkers(workers.filter((w) => w.alive));
		await Promise.all([server?.close(), redis?.stop()]);
		distAgents.destroyAgents();
		removeUserFolders();
	});
	beforeEach(async () => {
		await resetTokenState();
		await server.reset();
	});

	describe.each([
		['client credentials', 'client_credentials'],
		['rotating refresh tokens', 'refresh_token'],
	])('%s', (_, grantType) => {
		const cred = async () => credential(server, grantType === 'refresh_token' ? await server.grant() : undefined);

		it(`one process, ${LIFETIMES} lifetimes: 0 API 401s, 0 invalid_grant`, async () => {
			const c = await cred();
			const { result: outcome, stalledMs } = await timingStalls(
				async () =>
					await sustain(duration, async () => {
						const { output } = await runWorkflow(load(server, c) as never);
						return { items: output.map((item) => item.json) };
					}),
			);
			await expectNoExpiredToken(server, `${lifetimeS} s × ${LIFETIMES}, one process`, { lifetimeS, grantType, stalledMs }, outcome);
		});

		it(`${WORKERS} worker processes on the Redis store, ${LIFETIMES} lifetimes: 0 API 401s, 0 invalid_grant`, async () => {
			const c = await cred();
			// Each stats call restarts the workers' stall records.
			await Promise.all(workers.map((w) => w.stats()));
			const results = await Promise.all(workers.map(async (worker) => await sustain(duration, async () => await worker.run(load(server, c)))));
			await settleWorkers(workers);
			const stalledMs = Math.max(...(await Promise.all(workers.map((w) => w.stats()))).map((s) => s.loopDelayMaxMs));
			const outcome = results.reduce((sum, r) => ({ ok: sum.ok + r.ok, failed: sum.failed + r.failed }), { ok: 0, failed: 0 });
			await expectNoExpiredToken(server, `${lifetimeS} s × ${LIFETIMES}, ${WORKERS} workers`, { lifetimeS, grantType, stalledMs }, outcome);
		});
	});
});
