/**
 * The Redis token store and its fallback against a real redis-server: sealed records, the lock
 * (owner-only renew and release, lease expiry by Redis's clock), fail-fast while Redis is away,
 * and the fallback to this host's files with one log line per outage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FallbackTokenStore } from '../../lib/stores/fallbackStore';
import { FileTokenStore } from '../../lib/stores/fileStore';
import { RECORD_TTL_DAYS, RedisTokenStore, RedisUnavailableError } from '../../lib/stores/redisStore';
import type { TokenState } from '../../lib/stores/tokenStore';
import type { Logger } from '../../lib/services';
import { RecordCipher } from '../../lib/stores/encryption';
import IORedis, { type Redis } from 'ioredis';
import { type RedisServer, redisName, startRedis } from '../support/redis';

const ENCRYPTION_KEY = 'test-encryption-key-for-the-redis-store';
const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

function recordingLogger(): Logger & { lines: Array<{ level: string; message: string }> } {
	const lines: Array<{ level: string; message: string }> = [];
	const at = (level: string) => (message: string) => void lines.push({ level, message });
	return { lines, debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}

const state = (accessToken: string, obtainedAt = Date.now()): TokenState => ({
	accessToken,
	refreshToken: `refresh-for-${accessToken}`,
	expiresAt: obtainedAt + 3_600_000,
	obtainedAt,
	expirySource: 'expires_in',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;
const stores: Array<{ close(): Promise<void> }> = [];

function redisStore(logger: Logger = recordingLogger()): RedisTokenStore {
	const store = new RedisTokenStore({ url: redis.url, options: {}, label: `127.0.0.1:${redis.port}` }, ENCRYPTION_KEY, logger);
	stores.push(store);
	return store;
}

beforeAll(async () => {
	redis = await startRedis();
});
afterEach(async () => {
	await Promise.all(stores.splice(0).map((store) => store.close()));
	if (!redis.running) await redis.start();
	await redis.client().flushall();
});
afterAll(async () => {
	await redis.stop();
});

describe('records', () => {
	it('are sealed, namespaced, and expire 90 days after the last write', async () => {
		const store = redisStore();
		await store.setState(KEY, state('access-token-Secret-1'));
		await store.setStatus(KEY, { backoff: { until: 1, failures: 1, message: 'm', fix: 'f', transient: true } });
		const client = redis.client();
		expect((await client.keys('*')).sort()).toEqual([redisName('status', KEY, ENCRYPTION_KEY), redisName('token', KEY, ENCRYPTION_KEY)].sort());
		const raw = (await client.get(redisName('token', KEY, ENCRYPTION_KEY))) as string;
		expect(raw).not.toContain('access-token-Secret-1');
		expect(raw).not.toContain('refresh-for');
		const ttl = await client.pttl(redisName('token', KEY, ENCRYPTION_KEY));
		expect(ttl).toBeGreaterThan(RECORD_TTL_DAYS * 86_400_000 - 60_000);
		expect(ttl).toBeLessThanOrEqual(RECORD_TTL_DAYS * 86_400_000);
		expect((await store.getState(KEY))?.accessToken).toBe('access-token-Secret-1');
		expect((await store.getStatus(KEY))?.backoff?.failures).toBe(1);
	});

	it('a record sealed with another encryption key reads as absent, with a warning', async () => {
		await redisStore().setState(KEY, state('tok'));
		// Names differ per encryption key too: put the record where the other key's store looks.
		const client = redis.client();
		await client.rename(redisName('token', KEY, ENCRYPTION_KEY), redisName('token', KEY, 'another-key'));
		const logger = recordingLogger();
		const other = new RedisTokenStore({ url: redis.url, options: {}, label: 'r' }, 'another-key', logger);
		stores.push(other);
		expect(await other.getState(KEY)).toBeUndefined();
		const warning = logger.lines.map((l) => l.message).join('\n');
		expect(warning).toContain(`the token record ${KEY.slice(0, 12)}… in Redis cannot be read`);
		// The token key is a hash of the configuration, secrets included: only its start is shown.
		expect(warning).not.toContain(KEY);
	});

	it('names do not contain the token key (a hash of the configuration, secrets included)', async () => {
		const store = redisStore();
		await store.setState(KEY, state('tok'));
		await store.setStatus(KEY, { refreshing: { at: 1 } });
		const lock = await store.tryLock(KEY, 5_000);
		const names = await redis.client().keys('*');
		expect(names).toHaveLength(3);
		for (const name of names) expect(name).not.toContain(KEY.slice(0, 16));
		await lock?.release();
	});

	it('two installations (two encryption keys) sharing one Redis keep apart records of the same configuration', async () => {
		const first = redisStore();
		const second = new RedisTokenStore({ url: redis.url, options: {}, label: 'r' }, 'the-other-installation-key', recordingLogger());
		stores.push(second);
		await first.setState(KEY, state('first-installation'));
		await second.setState(KEY, state('second-installation'));
		expect((await first.getState(KEY))?.accessToken).toBe('first-installation');
		expect((await second.getState(KEY))?.accessToken).toBe('second-installation');
		const held = await first.tryLock(KEY, 5_000);
		const other = await second.tryLock(KEY, 5_000);
		expect(held).toBeDefined();
		expect(other).toBeDefined();
		await held?.release();
		await other?.release();
		await second.delete(KEY);
		expect((await first.getState(KEY))?.accessToken).toBe('first-installation');
	});

	it('a record under its legacy name (the token key) is read once, moved to its name, and written there only', async () => {
		const client = redis.client();
		const cipher = new RecordCipher(ENCRYPTION_KEY);
		await client.set(`n8n-api-auth:token:${KEY}`, cipher.seal(`${KEY}.token`, state('rotated-before-upgrade')));
		await client.set(`n8n-api-auth:status:${KEY}`, cipher.seal(`${KEY}.status`, { reconnect: { at: 1, message: 'gone', fix: 'reconnect' } }));
		const store = redisStore();
		expect((await store.getState(KEY))?.refreshToken).toBe('refresh-for-rotated-before-upgrade');
		expect((await store.getStatus(KEY))?.reconnect?.message).toBe('gone');
		expect((await client.keys('*')).sort()).toEqual([redisName('status', KEY, ENCRYPTION_KEY), redisName('token', KEY, ENCRYPTION_KEY)].sort());
		expect(await client.pttl(redisName('token', KEY, ENCRYPTION_KEY))).toBeGreaterThan(RECORD_TTL_DAYS * 86_400_000 - 60_000);
		await store.setState(KEY, state('after-upgrade'));
		expect(await client.exists(`n8n-api-auth:token:${KEY}`)).toBe(0);
		// Another process of the upgraded installation finds it under the new name.
		expect((await redisStore().getState(KEY))?.accessToken).toBe('after-upgrade');
	});

	it('a newer record written under the new name while the legacy one is moved wins (another process of the upgraded installation)', async () => {
		const client = redis.client();
		const cipher = new RecordCipher(ENCRYPTION_KEY);
		await client.set(`n8n-api-auth:token:${KEY}`, cipher.seal(`${KEY}.token`, state('rotated-before-upgrade', Date.now() - 60_000)));
		// The other process's write lands between this store's look at the new name and its move.
		const set = IORedis.prototype.set;
		const move = jest.spyOn(IORedis.prototype, 'set').mockImplementationOnce(async function (this: Redis, ...args: unknown[]) {
			await redis.client().set(redisName('token', KEY, ENCRYPTION_KEY), cipher.seal(`${KEY}.token`, state('renewed-after-upgrade')));
			return await (set as (...a: unknown[]) => Promise<unknown>).apply(this, args);
		} as never);
		try {
			expect((await redisStore().getState(KEY))?.accessToken).toBe('renewed-after-upgrade');
			expect(move.mock.calls[0]).toContain('NX');
		} finally {
			move.mockRestore();
		}
		expect(await client.exists(`n8n-api-auth:token:${KEY}`)).toBe(0);
	});

	it('the legacy name is looked at once per record and process: a record under neither name costs two reads once, then one', async () => {
		const client = redis.client();
		const cipher = new RecordCipher(ENCRYPTION_KEY);
		const calls = async (command: string) => Number((/calls=(\d+)/.exec(((await client.info('commandstats')).split('\n').find((line) => line.startsWith(`cmdstat_${command}:`))) ?? '') ?? [])[1] ?? 0);
		const store = redisStore();
		await client.config('RESETSTAT');
		for (let i = 0; i < 4; i++) expect(await store.getState(KEY)).toBeUndefined();
		expect([await calls('get'), await calls('set'), await calls('del')]).toEqual([5, 0, 0]);
		// A legacy record: read under both names, moved (one SET, one DEL), and not read again.
		await client.set(`n8n-api-auth:status:${KEY}`, cipher.seal(`${KEY}.status`, { reconnect: { at: 1, message: 'gone', fix: 'reconnect' } }));
		await client.config('RESETSTAT');
		expect((await store.getStatus(KEY))?.reconnect?.message).toBe('gone');
		expect([await calls('get'), await calls('set'), await calls('del')]).toEqual([2, 1, 1]);
	});

	it('deleting removes a legacy-named record too, so that it does not come back', async () => {
		const client = redis.client();
		await client.set(`n8n-api-auth:token:${KEY}`, new RecordCipher(ENCRYPTION_KEY).seal(`${KEY}.token`, state('old')));
		const store = redisStore();
		await store.delete(KEY);
		expect(await redisStore().getState(KEY)).toBeUndefined();
		expect(await client.keys('*')).toEqual([]);
	});

	it('clearing the status and deleting remove the records', async () => {
		const store = redisStore();
		await store.setState(KEY, state('tok'));
		await store.setStatus(KEY, { reconnect: { at: 1, message: 'gone', fix: 'reconnect' } });
		await store.setStatus(KEY, undefined);
		expect(await store.getStatus(KEY)).toBeUndefined();
		await store.delete(KEY);
		expect(await store.getState(KEY)).toBeUndefined();
		expect(await redis.client().keys('*')).toEqual([]);
	});
});

describe('lock', () => {
	it('is exclusive until released', async () => {
		const [a, b] = [redisStore(), redisStore()];
		const held = await a.tryLock(KEY, 5_000);
		expect(held).toBeDefined();
		expect(await b.tryLock(KEY, 5_000)).toBeUndefined();
		await held?.release();
		const next = await b.tryLock(KEY, 5_000);
		expect(next).toBeDefined();
		await next?.release();
	});

	it('ends with its lease when the holder stops renewing; the old holder can then neither renew nor release it', async () => {
		const [a, b] = [redisStore(), redisStore()];
		const old = await a.tryLock(KEY, 300);
		await sleep(400);
		const taken = await b.tryLock(KEY, 5_000);
		expect(taken).toBeDefined();
		expect(await old?.renew()).toBe(false);
		await old?.release();
		expect(await a.tryLock(KEY, 5_000)).toBeUndefined();
		expect(await redis.client().pttl(redisName('lock', KEY, ENCRYPTION_KEY))).toBeGreaterThan(4_000);
	});

	it('renewing extends the lease', async () => {
		const [a, b] = [redisStore(), redisStore()];
		const held = await a.tryLock(KEY, 1_000);
		await sleep(600);
		expect(await held?.renew()).toBe(true);
		await sleep(600);
		expect(await b.tryLock(KEY, 1_000)).toBeUndefined();
	});
});

describe('Redis away', () => {
	it('commands fail at once with RedisUnavailableError, and work again when Redis is back', async () => {
		const store = redisStore();
		await store.setState(KEY, state('tok'));
		await redis.stop();
		await sleep(100);
		const started = Date.now();
		await expect(store.getState(KEY)).rejects.toBeInstanceOf(RedisUnavailableError);
		await expect(store.tryLock(KEY, 1_000)).rejects.toBeInstanceOf(RedisUnavailableError);
		expect(Date.now() - started).toBeLessThan(500);
		await redis.start();
		const deadline = Date.now() + 5_000;
		while (Date.now() < deadline && !(await store.setState(KEY, state('tok-2')).then(() => true, () => false))) await sleep(100);
		expect((await store.getState(KEY))?.accessToken).toBe('tok-2');
	});

	it('a store created while Redis is down fails fast instead of hanging', async () => {
		await redis.stop();
		const started = Date.now();
		await expect(redisStore().getState(KEY)).rejects.toBeInstanceOf(RedisUnavailableError);
		expect(Date.now() - started).toBeLessThan(3_000);
	});
});

describe('fallback to the host files', () => {
	// The host's token files hold sealed secrets: removed after the section.
	const roots: string[] = [];
	afterAll(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

	function fallbackStore(logger = recordingLogger()) {
		const root = mkdtempSync(join(tmpdir(), 'n8n-api-auth-test-files-'));
		roots.push(root);
		const local = new FileTokenStore(root, ENCRYPTION_KEY, logger);
		return { store: new FallbackTokenStore(redisStore(logger), local, logger), local, logger };
	}

	it('keeps working through an outage, logs it once and its end once, and puts what it wrote meanwhile back into Redis', async () => {
		const { store, logger } = fallbackStore();
		await store.setState(KEY, state('before', Date.now() - 1_000));
		await redis.stop();
		for (let i = 0; i < 20; i++) expect((await store.getState(KEY))?.accessToken).toBe('before');
		const lock = await store.tryLock(KEY, 5_000);
		expect(lock).toBeDefined();
		await store.setState(KEY, state('during'));
		await lock?.release();
		expect(store.inOutage).toBe(true);
		// A Redis without persistence comes back empty.
		await redis.start();
		const deadline = Date.now() + 5_000;
		while (Date.now() < deadline && store.inOutage) {
			await store.getState(KEY);
			await sleep(100);
		}
		expect((await store.getState(KEY))?.accessToken).toBe('during');
		expect((await redisStore().getState(KEY))?.accessToken).toBe('during');
		const warnings = logger.lines.filter((l) => l.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toMatch(/Redis at 127\.0\.0\.1:\d+ cannot be used .*coordinated only between the n8n processes of this host/);
		expect(logger.lines.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([expect.stringContaining('answers again')]);
	});

	it('a Redis that stops answering (partition): each operation waits for the command timeout at most once a second, then it recovers', async () => {
		const { store, logger } = fallbackStore();
		await store.setState(KEY, state('before'));
		redis.pause();
		try {
			const reads: Array<{ at: number; ms: number }> = [];
			const until = Date.now() + 4_000;
			while (Date.now() < until) {
				const at = Date.now();
				expect((await store.getState(KEY))?.accessToken).toBe('before');
				reads.push({ at, ms: Date.now() - at });
				await sleep(50);
			}
			// A read that tried Redis waited for the 2-s command timeout; the reads in the second after it skipped
			// Redis. Judged by when each read started, not by how many there were, so that a slow machine (fewer,
			// slower reads) does not change the verdict.
			const tried = reads.filter((read) => read.ms >= 1_500);
			expect(tried.length).toBeGreaterThanOrEqual(1);
			expect(reads[0].ms).toBeGreaterThanOrEqual(1_500);
			for (let i = 1; i < tried.length; i++) {
				const skippedFor = tried[i].at - (tried[i - 1].at + tried[i - 1].ms);
				expect(skippedFor).toBeGreaterThanOrEqual(900);
			}
			// Reads in between did skip Redis: there were some, and none waited.
			expect(reads.length).toBeGreaterThan(tried.length);
			expect(store.inOutage).toBe(true);
		} finally {
			redis.resume();
		}
		const deadline = Date.now() + 6_000;
		while (Date.now() < deadline && store.inOutage) {
			await store.getState(KEY);
			await sleep(100);
		}
		expect(store.inOutage).toBe(false);
		expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
	});

	it('a newer token in Redis (another host renewed it) wins and refreshes the host copy', async () => {
		const { store, local } = fallbackStore();
		await store.setState(KEY, state('old', Date.now() - 5_000));
		await redisStore().setState(KEY, state('from-another-host'));
		expect((await store.getState(KEY))?.accessToken).toBe('from-another-host');
		expect((await local.getState(KEY))?.accessToken).toBe('from-another-host');
	});

	it('the lock needs both the host lock and the Redis lock', async () => {
		const first = fallbackStore();
		const held = await first.store.tryLock(KEY, 5_000);
		// Another host: its own files, the same Redis.
		const otherHost = fallbackStore();
		expect(await otherHost.store.tryLock(KEY, 5_000)).toBeUndefined();
		// Another process of the first host, while Redis is away: the host lock still orders them.
		await redis.stop();
		const sameHost = new FallbackTokenStore(redisStore(), first.local, recordingLogger());
		expect(await sameHost.tryLock(KEY, 5_000)).toBeUndefined();
		expect(await held?.renew()).toBe(true);
		await held?.release();
		expect(await sameHost.tryLock(KEY, 5_000)).toBeDefined();
	});
});
