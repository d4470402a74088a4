/**
 * The Redis store's connection against a real redis-server: how it waits for the first
 * connection, why a command failed (the reason Redis gave, never a guess), how often it tries to
 * reconnect while Redis is away, that closing ends the connection (also during an outage) without
 * losing a write under way, and that ioredis's debug log, which prints the password, stays off.
 */
import { dirname } from 'node:path';
import type { Logger } from '../../lib/services';
import { RedisTokenStore, RedisUnavailableError } from '../../lib/stores/redisStore';
import type { TokenState } from '../../lib/stores/tokenStore';
import { type RedisServer, redisName, startRedis } from '../support/redis';

const ENCRYPTION_KEY = 'test-encryption-key-for-the-redis-connection';
const KEY = 'c1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
/** The store's command timeout, which also bounds the wait for a first connection. */
const COMMAND_TIMEOUT_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const state = (accessToken: string): TokenState => ({ accessToken, obtainedAt: Date.now(), expiresAt: Date.now() + 3_600_000, expirySource: 'expires_in' });

function debugLogger(): Logger & { debugLines: Array<{ at: number; message: string }> } {
	const debugLines: Array<{ at: number; message: string }> = [];
	return { debugLines, debug: (message) => void debugLines.push({ at: Date.now(), message }), info: () => undefined, warn: () => undefined, error: () => undefined };
}

let redis: RedisServer;
const stores: RedisTokenStore[] = [];

function redisStore(logger: Logger = debugLogger()): RedisTokenStore {
	const store = new RedisTokenStore({ url: redis.url, options: {}, label: `127.0.0.1:${redis.port}` }, ENCRYPTION_KEY, logger);
	stores.push(store);
	return store;
}

/** The connections Redis sees under the store's connection name. */
async function storeConnections(): Promise<string[]> {
	const list = (await redis.client().client('LIST')) as string;
	return list.split('\n').filter((line) => / name=n8n-api-auth /.test(line));
}

beforeAll(async () => {
	redis = await startRedis();
});
afterEach(async () => {
	redis.resume();
	await Promise.all(stores.splice(0).map((store) => store.close()));
	if (!redis.running) await redis.start();
	await redis.client().flushall();
});
afterAll(async () => {
	await redis.stop();
});

describe('the first connection', () => {
	it('a Redis that accepts but does not answer: the first command waits as long as a command may take, then fails as not connected yet', async () => {
		redis.pause();
		const started = Date.now();
		await expect(redisStore().getState(KEY)).rejects.toMatchObject({ name: 'RedisUnavailableError', message: expect.stringContaining('(not connected yet)') });
		const waited = Date.now() - started;
		expect(waited).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS);
		expect(waited).toBeLessThan(COMMAND_TIMEOUT_MS + 3_000);
	});

	it('closing the store while it waits ends the wait at once', async () => {
		redis.pause();
		const store = redisStore();
		const read = store.getState(KEY).then(
			() => 'answered',
			(error: Error) => error,
		);
		await sleep(200);
		const closedAt = Date.now();
		await store.close();
		expect(await read).toBeInstanceOf(RedisUnavailableError);
		expect(Date.now() - closedAt).toBeLessThan(1_000);
	});

	it('a refused connection fails the first command at once, with the reason Redis gave', async () => {
		await redis.stop();
		const started = Date.now();
		await expect(redisStore().getState(KEY)).rejects.toMatchObject({
			name: 'RedisUnavailableError',
			message: `Redis at 127.0.0.1:${redis.port} cannot be used (connect ECONNREFUSED 127.0.0.1:${redis.port})`,
		});
		expect(Date.now() - started).toBeLessThan(1_500);
	});

	it('leaves no timer behind once connected', async () => {
		const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
		const before = timers();
		const store = redisStore();
		await store.getState(KEY);
		expect(timers()).toBe(before);
	});
});

describe('while Redis is away', () => {
	it('a command fails with the reason of the last connection attempt, not with the client\'s own refusal', async () => {
		const store = redisStore();
		await store.setState(KEY, state('tok'));
		await redis.stop();
		await sleep(300);
		await expect(store.getState(KEY)).rejects.toMatchObject({ message: expect.stringContaining(`(connect ECONNREFUSED 127.0.0.1:${redis.port})`) });
	});

	it('reconnection attempts start 0.1 s apart and back off by 0.1 s each, each failure in the debug log', async () => {
		const logger = debugLogger();
		const store = redisStore(logger);
		await store.getState(KEY);
		await redis.stop();
		await sleep(3_000);
		const attempts = logger.debugLines;
		expect(attempts.length).toBeGreaterThanOrEqual(4);
		for (const line of attempts) expect(line.message).toBe(`API Auth: Redis at 127.0.0.1:${redis.port}: connect ECONNREFUSED 127.0.0.1:${redis.port}`);
		const gaps = attempts.slice(1).map((line, i) => line.at - attempts[i].at);
		// Delays of 0.2, 0.3, 0.4 s…: never more than 2 s, and growing.
		expect(gaps[0]).toBeLessThan(1_000);
		expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0] + 150);
	});
});

describe('closing', () => {
	it('ends the store\'s connection, which Redis knows by its name', async () => {
		const store = redisStore();
		await store.getState(KEY);
		expect(await storeConnections()).toHaveLength(1);
		await store.close();
		await sleep(100);
		expect(await storeConnections()).toEqual([]);
	});

	it('lets a write under way finish', async () => {
		const store = redisStore();
		await store.getState(KEY);
		const write = store.setState(KEY, state('written-while-closing'));
		// Once the write has gone out (its promise chain ran), before its answer arrived.
		await new Promise((resolve) => setImmediate(resolve));
		await store.close();
		await expect(write).resolves.toBeUndefined();
		expect(await redis.client().exists(redisName('token', KEY, ENCRYPTION_KEY))).toBe(1);
	});

	it('during an outage stops the reconnection attempts: the store does not come back with Redis', async () => {
		const store = redisStore();
		await store.getState(KEY);
		await redis.stop();
		await expect(store.getState(KEY)).rejects.toBeInstanceOf(RedisUnavailableError);
		await store.close();
		await redis.start();
		await sleep(1_500);
		expect(await storeConnections()).toEqual([]);
	});
});

it('ioredis\'s debug log (it prints the connection options, password included) is off even when DEBUG asks for it', () => {
	const debugPath = require.resolve('debug', { paths: [dirname(require.resolve('ioredis'))] });
	const createDebug = require(debugPath) as { enable(namespaces: string): void; disable(): string; enabled(name: string): boolean };
	const previous = createDebug.disable();
	try {
		createDebug.enable('ioredis:*,other:*');
		redisStore();
		expect(createDebug.enabled('ioredis:redis')).toBe(false);
		expect(createDebug.enabled('other:thing')).toBe(true);
	} finally {
		createDebug.enable(previous);
	}
});
