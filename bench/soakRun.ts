/**
 * The soak: 4 worker processes (n8n's real engine, the built package) on one real Redis, a real
 * OAuth2 server with 3-s access tokens and single-use rotating refresh tokens, and a steady load
 * of ~50 items in flight (each worker runs a 12- or 13-item workflow again and again) for as long
 * as asked. It samples each worker's RSS and open sockets, and at the end compares the timers and
 * handles of the idle workers with those they had idle after warm-up.
 */
import { earlyRenewals, parallelItems, SEND_SLACK_MS, renewalPeriodMs, rotatingCredential, sleep, tally } from '../test/queue/fleet';
import { startOAuth2Server } from '../test/servers/oauth2Server';
import { startSlowTokenProxy } from '../test/servers/slowTokenProxy';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { queueEnvironment, removeUserFolders, settleWorkers, startWorkers, stopWorkers, type WorkerStats } from '../test/support/processes';
import { startRedis } from '../test/support/redis';

const LIFETIME_S = 3;
/** Renewal with half of a 3-s life left: on a busy 2-core machine the event loop of a worker lags by up to a second. */
const WINDOW = 0.5;
const IN_FLIGHT = 50;
const SAMPLE_MS = 10_000;

export interface SoakFigures {
	minutes: number;
	runs: number;
	items: number;
	failed: Record<string, number>;
	api401: number;
	tokenCalls: number;
	/** Token lifetimes in the run (its length / 3 s), and the renewals the 50 % refresh point allows (by the package's expiry rules). */
	lifetimes: number;
	renewalPeriods: number;
	/** Renewals that came before the previous token's refresh point, by how much (ms) and after what. */
	earlyRenewals: Array<{ index: number; earlyMs: number; gapMs: number }>;
	/** How late the workers' and this process's event loops ran at worst: the timing slack allowed for early renewals. */
	loopDelayMaxMs: { workers: number; driver: number };
	invalidGrant: number;
	/** Per worker, after warm-up: least-squares slope per hour, and the first and last sample. */
	rssMiBPerHour: number[];
	rssMiB: Array<[number, number]>;
	socketsPerHour: number[];
	sockets: Array<[number, number]>;
	/** Idle worker resources (by kind, all workers summed) after warm-up and at the end. */
	idleAfterWarmUp: Record<string, number>;
	idleAtEnd: Record<string, number>;
}

function slopePerHour(points: Array<[number, number]>): number {
	if (points.length < 2) return 0;
	const n = points.length;
	const mx = points.reduce((a, [x]) => a + x, 0) / n;
	const my = points.reduce((a, [, y]) => a + y, 0) / n;
	const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
	const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
	return den === 0 ? 0 : (num / den) * 3_600_000;
}

const sockets = (stats: WorkerStats) => stats.resources.TCPSocketWrap ?? 0;
const sum = (all: WorkerStats[]) => {
	const out: Record<string, number> = {};
	for (const s of all) for (const [kind, n] of Object.entries(s.resources)) out[kind] = (out[kind] ?? 0) + n;
	return out;
};

export async function soak(minutes: number, log: (line: string) => void = () => undefined): Promise<SoakFigures> {
	const [server, redis] = await Promise.all([startOAuth2Server({ accessTokenLifetime: LIFETIME_S }), startRedis()]);
	const proxy = await startSlowTokenProxy(server.tokenUrl);
	const workers = await startWorkers(4, queueEnvironment({ store: 'redis', redisUrl: redis.url, leaseMs: 3_000, pollMs: 50 }));
	try {
		const { refreshToken } = await server.issueGrant();
		const credential = rotatingCredential(proxy.tokenUrl, refreshToken, { refreshWindowPercent: WINDOW * 100 });
		const share = workers.map((_, i) => Math.floor(IN_FLIGHT / workers.length) + (i < IN_FLIGHT % workers.length ? 1 : 0));
		// Warm-up: a few runs each, then the idle baseline.
		for (let round = 0; round < 3; round++) await Promise.all(workers.map((w, i) => w.run(parallelItems(server.apiUrl, credential, share[i]))));
		await settleWorkers(workers);
		const idleAfterWarmUp = sum(await Promise.all(workers.map((w) => w.stats())));
		server.apiRequests.length = 0;
		server.tokenRequests.length = 0;
		proxy.reset();

		// The proxy stamps receipts in this process; the workers stamp sends in theirs.
		const driverDelay = monitorEventLoopDelay({ resolution: 10 });
		driverDelay.enable();
		// The workers' records started afresh with the idle baseline's stats call above.
		let workerDelayMs = 0;
		const startedAt = Date.now();
		const endAt = startedAt + minutes * 60_000;
		const warmEnd = startedAt + Math.min(120_000, (minutes * 60_000) / 5);
		let api401 = 0;
		let apiCount = 0;
		let runs = 0;
		let items = 0;
		const failed: Record<string, number> = {};
		const rss: Array<Array<[number, number]>> = workers.map(() => []);
		const sock: Array<Array<[number, number]>> = workers.map(() => []);
		// Counted and dropped as it goes: 30 minutes of request records would be the driver's own leak.
		const drain = () => {
			for (const r of server.apiRequests.splice(0)) {
				apiCount++;
				if (r.status === 401) api401++;
			}
		};
		const sampler = (async () => {
			while (Date.now() < endAt) {
				await sleep(SAMPLE_MS);
				drain();
				const now = Date.now();
				const stats = await Promise.all(workers.map((w) => w.stats()));
				workerDelayMs = Math.max(workerDelayMs, ...stats.map((s) => s.loopDelayMaxMs));
				stats.forEach((s, i) => {
					if (now < warmEnd) return;
					rss[i].push([now - startedAt, s.rssBytes / 2 ** 20]);
					sock[i].push([now - startedAt, sockets(s)]);
				});
				log(`${((now - startedAt) / 60_000).toFixed(1)} min: ${runs} runs, ${items} items, ${proxy.exchanges.length} token calls, ${api401} API 401s; RSS MiB ${stats.map((s) => (s.rssBytes / 2 ** 20).toFixed(0)).join('/')}, sockets ${stats.map(sockets).join('/')}`);
			}
		})();
		await Promise.all(
			workers.map(async (worker, i) => {
				const options = parallelItems(server.apiUrl, credential, share[i]);
				while (Date.now() < endAt) {
					const outcome = tally([await worker.run(options)]);
					runs++;
					items += outcome.ok;
					for (const [message, n] of Object.entries(outcome.failures)) failed[message] = (failed[message] ?? 0) + n;
					for (const message of outcome.workflowErrors) failed[message] = (failed[message] ?? 0) + 1;
				}
			}),
		);
		await sampler;
		await settleWorkers(workers);
		const elapsedS = (Date.now() - startedAt) / 1000;
		// Keep-alive sockets of the last requests close on their own; then the idle workers are compared.
		await sleep(6_000);
		drain();
		const atEnd = await Promise.all(workers.map((w) => w.stats()));
		workerDelayMs = Math.max(workerDelayMs, ...atEnd.map((s) => s.loopDelayMaxMs));
		driverDelay.disable();
		const loopDelayMaxMs = { workers: Math.round(workerDelayMs), driver: Math.round(driverDelay.max / 1e6) };
		const idleAtEnd = sum(atEnd);
		return {
			minutes,
			runs,
			items,
			failed,
			api401,
			tokenCalls: proxy.exchanges.length,
			lifetimes: Math.round(elapsedS / LIFETIME_S),
			renewalPeriods: Math.ceil((elapsedS * 1000) / renewalPeriodMs(LIFETIME_S, WINDOW)),
			loopDelayMaxMs,
			earlyRenewals: earlyRenewals(proxy.exchanges, WINDOW, SEND_SLACK_MS + loopDelayMaxMs.workers + loopDelayMaxMs.driver).map((e) => ({ index: e.index, earlyMs: Math.round(e.earlyMs), gapMs: e.exchange.receivedAt - e.previous.receivedAt })),
			invalidGrant: server.tokenRequests.filter((r) => r.outcome !== 'issued').length + server.revokedGrants.size,
			rssMiBPerHour: rss.map(slopePerHour),
			rssMiB: rss.map((p) => [p[0]?.[1] ?? 0, p[p.length - 1]?.[1] ?? 0]),
			socketsPerHour: sock.map(slopePerHour),
			sockets: sock.map((p) => [p[0]?.[1] ?? 0, p[p.length - 1]?.[1] ?? 0]),
			idleAfterWarmUp,
			idleAtEnd,
		};
	} finally {
		await stopWorkers(workers.filter((w) => w.alive));
		await Promise.all([server.close(), proxy.close(), redis.stop()]);
		removeUserFolders();
	}
}
