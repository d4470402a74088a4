/**
 * Queue mode on a Redis Cluster (n8n's QUEUE_BULL_REDIS_CLUSTER_NODES): 4 worker processes share
 * token state and the refresh lock through a real 3-master, 3-replica cluster of redis-server,
 * against a real OAuth2 server with 3-second tokens and single-use rotating refresh tokens.
 */
import { silentLogger } from '../../lib/services';
import { RedisTokenStore } from '../../lib/stores/redisStore';
import { redisTarget } from '../../lib/stores/redisTarget';
import { startOAuth2Server, type OAuth2TestServer } from '../servers/oauth2Server';
import { type SlowTokenProxy, startSlowTokenProxy } from '../servers/slowTokenProxy';
import { queueEnvironment, removeUserFolders, settleWorkers, startWorkers, stopWorkers, type WorkerProcess } from '../support/processes';
import { redisName } from '../support/redis';
import { type RedisCluster, startRedisCluster } from '../support/redisCluster';
import { assertRenewedOncePerExpiry, parallelItems, rotatingCredential, sleep, sustainedRuns, tally, watchTimingSlack } from './fleet';

jest.setTimeout(180_000);

const LIFETIME_MS = 3_000;
/** Renewal when 30 % of a token's life is left, as in queueMode.test.ts (a busy 2-core machine). */
const WINDOW = 0.3;

let server: OAuth2TestServer;
let proxy: SlowTokenProxy;
let cluster: RedisCluster;
let workers: WorkerProcess[];

const environment = (hosts: 'separate' | 'shared') => ({ ...queueEnvironment({ store: 'redis', clusterNodes: cluster.startNodes, leaseMs: 3_000, pollMs: 50, hosts }), EXECUTIONS_MODE: 'queue' });

beforeAll(async () => {
	[server, cluster] = await Promise.all([startOAuth2Server({ accessTokenLifetime: LIFETIME_MS / 1000 }), startRedisCluster()]);
	proxy = await startSlowTokenProxy(server.tokenUrl);
	// Only the cluster's start nodes, no N8N_API_AUTH_REDIS_URL: the store reads n8n's own setting.
	workers = await startWorkers(4, environment('separate'));
});
afterAll(async () => {
	await stopWorkers(workers.filter((w) => w.alive));
	await Promise.all([server.close(), proxy.close(), cluster.stop()]);
	removeUserFolders();
});
beforeEach(async () => {
	await settleWorkers(workers);
	server.tokenRequests.length = 0;
	server.apiRequests.length = 0;
	proxy.reset();
});

it('a key\'s record, status and lock share one hash slot: the two-key delete works, the lock is exclusive', async () => {
	const store = new RedisTokenStore(redisTarget({ QUEUE_BULL_REDIS_CLUSTER_NODES: cluster.startNodes }), 'cluster-test-key', silentLogger);
	try {
		const key = 'slot-test';
		await store.setState(key, { accessToken: 'a', expiresAt: Date.now() + 60_000, obtainedAt: Date.now(), expirySource: 'expires_in' });
		await store.setStatus(key, { refreshing: { at: Date.now() } });
		const lock = await store.tryLock(key, 10_000);
		expect(lock).toBeDefined();
		expect(await store.tryLock(key, 10_000)).toBeUndefined();
		const names = (['lock', 'status', 'token'] as const).map((kind) => redisName(kind, key, 'cluster-test-key', true));
		const holders = (await cluster.keysByMaster(`n8n-api-auth:*${names[0].slice(names[0].indexOf('{'))}`)).filter((m) => m.keys.length > 0);
		expect(holders).toHaveLength(1);
		expect(holders[0].keys.sort()).toEqual(names);
		expect(await lock?.renew()).toBe(true);
		// One DEL of two keys: refused (CROSSSLOT) unless both are in one slot.
		await store.delete(key);
		expect(await store.getState(key)).toBeUndefined();
		expect(await store.getStatus(key)).toBeUndefined();
		await lock?.release();
		expect(await store.tryLock(key, 10_000)).toBeDefined();
	} finally {
		await store.close();
	}
});

const credentialFor = (refreshToken: string) => rotatingCredential(proxy.tokenUrl, refreshToken, { refreshWindowPercent: WINDOW * 100 });

it('4 workers × 50 items on a 3-master cluster: every item succeeds, one token call per expiry, no invalid_grant; record, status and lock in one slot', async () => {
	const { refreshToken } = await server.issueGrant();
	const slack = await watchTimingSlack(workers);
	const results = await sustainedRuns(workers, parallelItems(server.apiUrl, credentialFor(refreshToken), 50), 12_000);

	const outcome = tally(results);
	expect(outcome.workflowErrors).toEqual([]);
	expect(outcome.failures).toEqual({});
	expect(outcome.ok).toBe(results.length * 50);
	expect(server.tokenRequests.every((r) => r.grantType === 'refresh_token' && r.outcome === 'issued')).toBe(true);
	expect(server.revokedGrants.size).toBe(0);
	const count = assertRenewedOncePerExpiry(proxy, server, WINDOW, await slack());
	// 12 s of 3-s tokens, renewed after at most 2.1 s (fewer runs fit in 12 s on a loaded machine).
	expect(count).toBeGreaterThanOrEqual(3);
	for (const worker of workers) expect(worker.logs.map((l) => l.message).join('\n')).toContain('through Redis at redis cluster 127.0.0.1:');

	// The package's keys sit on one master, all with the same hash tag.
	const holders = (await cluster.keysByMaster('n8n-api-auth:*')).filter((m) => m.keys.length > 0);
	expect(holders).toHaveLength(1);
	const tags = new Set(holders[0].keys.map((k) => /\{[^}]+\}$/.exec(k)?.[0]));
	expect(tags.size).toBe(1);
	expect([...tags][0]).toBeDefined();
	console.info(`Redis Cluster, 4 workers × 50 items for 12 s, 3-s tokens: ${results.length} runs, ${outcome.ok} items ok, ${count} token calls, 0 invalid_grant; keys ${holders[0].keys.join(', ')}`);
});

it('the master holding the token is killed mid-load (workers of one host): its replica takes over, no item fails, no token is lost, no invalid_grant', async () => {
	// One host, as in queueMode.test.ts's Redis outage: a failover longer than the client's retries
	// (about 5 s) is an outage of that slot, during which only the host's file lock coordinates.
	const oneHost = await startWorkers(4, environment('shared'));
	try {
		await failoverUnderLoad(oneHost);
	} finally {
		await stopWorkers(oneHost.filter((w) => w.alive));
	}
});

async function failoverUnderLoad(workers: WorkerProcess[]): Promise<void> {
	const { refreshToken } = await server.issueGrant();
	const options = parallelItems(server.apiUrl, credentialFor(refreshToken), 50);
	const tokenKeys = async () => await cluster.keysByMaster('n8n-api-auth:token:*');
	const earlier = (await tokenKeys()).flatMap((m) => m.keys);
	// Warm up so that this credential's records exist and their master is known.
	await sustainedRuns(workers, options, 2_000);
	const holders = (await tokenKeys()).flatMap((m) => m.keys.filter((k) => !earlier.includes(k)).map((key) => ({ port: m.port, key })));
	expect(holders).toHaveLength(1);
	const [holder] = holders;

	const failover = (async () => {
		await sleep(2_000);
		return await cluster.killAndAwaitFailover(holder.port);
	})();
	const slack = await watchTimingSlack(workers);
	const results = await sustainedRuns(workers, options, 16_000);
	const { failoverMs, newMaster } = await failover;
	const fellBack = workers.filter((w) => w.logs.some((l) => l.message.includes('cannot be used'))).length;

	const outcome = tally(results);
	expect(outcome.workflowErrors).toEqual([]);
	expect(outcome.failures).toEqual({});
	expect(outcome.ok).toBe(results.length * 50);
	expect(server.tokenRequests.every((r) => r.outcome === 'issued')).toBe(true);
	expect(server.revokedGrants.size).toBe(0);
	const count = assertRenewedOncePerExpiry(proxy, server, WINDOW, await slack());
	// Items waited at most for the failover (plus a run's own time), not for ever.
	const slowest = Math.max(...results.map((r) => r.ms));
	expect(slowest).toBeLessThan(failoverMs + 15_000);

	// No token lost: the promoted replica serves the newest token the API accepted.
	expect((await tokenKeys()).find((m) => m.port === newMaster)?.keys).toContain(holder.key);
	const before = server.tokenRequests.length;
	await sleep(LIFETIME_MS);
	// One run per worker (a 1-ms sustainedRuns could end before any worker started one).
	const after = await Promise.all(workers.map(async (w) => await w.run(options)));
	expect(tally(after).ok).toBe(workers.length * 50);
	expect(tally(after).failures).toEqual({});
	expect(server.tokenRequests.length - before).toBe(1);
	expect(server.revokedGrants.size).toBe(0);
	console.info(
		`Redis Cluster failover under load: master ${holder.port} killed, replica ${newMaster} took over after ${failoverMs} ms; ${outcome.ok} items ok, 0 failed, slowest run ${slowest} ms, ${count} token calls, 0 invalid_grant; ${fellBack} of 4 workers fell back to the host's token files meanwhile`,
	);
}
