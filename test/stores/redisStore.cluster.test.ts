/**
 * The Redis store on a real Redis Cluster (3 masters, 3 replicas), configured as n8n's queue
 * mode is: a key's record, status and lock share one hash slot, so that one master holds them;
 * each node's connection carries the store's options; n8n's "no DNS lookup" setting keeps the
 * host names given. (Failover under load is in test/queue/redisCluster.test.ts.)
 */
import IORedis from 'ioredis';
import { RedisTokenStore } from '../../lib/stores/redisStore';
import { redisTarget } from '../../lib/stores/redisTarget';
import type { Logger } from '../../lib/services';
import { redisName } from '../support/redis';
import { type RedisCluster, startRedisCluster } from '../support/redisCluster';

const ENCRYPTION_KEY = 'test-encryption-key-for-the-redis-cluster-store';
const KEY = 'd1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let cluster: RedisCluster;
const stores: RedisTokenStore[] = [];

function clusterStore(env: NodeJS.ProcessEnv = {}): RedisTokenStore {
	const target = redisTarget({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_CLUSTER_NODES: cluster.startNodes, ...env });
	const store = new RedisTokenStore(target, ENCRYPTION_KEY, quiet);
	stores.push(store);
	return store;
}

async function clientNames(port: number): Promise<string[]> {
	const client = new IORedis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
	try {
		return [...((await client.client('LIST')) as string).matchAll(/ name=(\S*) /g)].map((match) => match[1]);
	} finally {
		client.disconnect();
	}
}

beforeAll(async () => {
	cluster = await startRedisCluster();
}, 60_000);
afterEach(async () => {
	await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
	await cluster.stop();
});

it('a key\'s record, status and lock carry one hash tag, so that one master holds all three', async () => {
	const store = clusterStore();
	await store.setState(KEY, { accessToken: 'tok', obtainedAt: Date.now(), expiresAt: Date.now() + 60_000, expirySource: 'expires_in' });
	await store.setStatus(KEY, { refreshing: { at: 1 } });
	const lock = await store.tryLock(KEY, 10_000);
	expect(lock).toBeDefined();
	const holding = (await cluster.keysByMaster('n8n-api-auth:*')).filter((master) => master.keys.length > 0);
	expect(holding).toHaveLength(1);
	expect(holding[0].keys.sort()).toEqual(['lock', 'status', 'token'].map((kind) => redisName(kind as 'lock', KEY, ENCRYPTION_KEY, true)).sort());
	expect((await store.getState(KEY))?.accessToken).toBe('tok');
	// The node's connection has the store's options (its name among them).
	expect(await clientNames(holding[0].port)).toContain('n8n-api-auth');
	await lock?.release();
});

it('with QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY=NONE, nodes given by host name are reached by that name', async () => {
	const store = clusterStore({ QUEUE_BULL_REDIS_CLUSTER_NODES: cluster.startNodes.replaceAll('127.0.0.1', 'localhost'), QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY: 'NONE' });
	await store.setState(KEY, { accessToken: 'by-name', obtainedAt: Date.now(), expiresAt: Date.now() + 60_000, expirySource: 'expires_in' });
	expect((await store.getState(KEY))?.accessToken).toBe('by-name');
});
