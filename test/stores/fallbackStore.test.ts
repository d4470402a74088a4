/**
 * The queue-mode store's rules of combination, against a real redis-server and the real file
 * store in a temporary folder (removed after): status read from Redis while it answers, writes
 * to both, the newer token wins, the host copy refreshed only under the host lock, and a lock that
 * needs both locks, loses nothing when Redis is away, and is lost when another host took Redis's.
 * A Redis that is away is a store pointed at a port where nothing listens (refused at once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../lib/services';
import { FallbackTokenStore } from '../../lib/stores/fallbackStore';
import { FileTokenStore } from '../../lib/stores/fileStore';
import { RedisTokenStore } from '../../lib/stores/redisStore';
import type { TokenState, TokenStatus } from '../../lib/stores/tokenStore';
import { freePort, type RedisServer, redisName, startRedis } from '../support/redis';

const ENCRYPTION_KEY = 'fallback-store-test-key';
const KEY = 'b1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let redis: RedisServer;
let awayUrl: string;
const closing: Array<{ close(): Promise<void> }> = [];
const roots: string[] = [];

beforeAll(async () => {
	redis = await startRedis();
	awayUrl = `redis://127.0.0.1:${await freePort()}`;
});
afterEach(async () => {
	await Promise.all(closing.splice(0).map((store) => store.close()));
	if (!redis.running) await redis.start();
	await redis.client().flushall();
});
afterAll(async () => {
	await redis.stop();
	roots.forEach((root) => rmSync(root, { recursive: true, force: true }));
});

/**
 * The Redis store, able to hold a command's outcome: the command reaches Redis at once, but its
 * answer (or failure) reaches the caller only when the test releases it, after other commands
 * changed the outage state (a slow answer on a busy network).
 */
class HeldRedis extends RedisTokenStore {
	private held?: { outcome: Promise<void>; resolveOutcome: () => void; release: Promise<void> };

	/** Holds the next `getStatus`; `outcome` resolves once Redis answered or failed, `release` lets it through. */
	holdNextStatus(): { outcome: Promise<void>; release: () => void } {
		let resolveOutcome!: () => void;
		let release!: () => void;
		const outcome = new Promise<void>((resolve) => (resolveOutcome = resolve));
		this.held = { outcome, resolveOutcome, release: new Promise<void>((resolve) => (release = resolve)) };
		return { outcome, release };
	}

	override async getStatus(key: string): Promise<TokenStatus | undefined> {
		const held = this.held;
		this.held = undefined;
		if (!held) return await super.getStatus(key);
		const outcome = await super.getStatus(key).then(
			(value) => ({ value }),
			(error: unknown) => ({ error }),
		);
		held.resolveOutcome();
		await held.release;
		if ('error' in outcome) throw outcome.error;
		return outcome.value;
	}
}

function redisStore(url = redis.url): HeldRedis {
	const store = new HeldRedis({ url, options: {}, label: 'test' }, ENCRYPTION_KEY, quiet);
	closing.push(store);
	return store;
}

/** Waits until the Redis store reconnected to a restarted server. */
async function reconnected(remote: RedisTokenStore): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!(await remote.getStatus(KEY).then(() => true, () => false))) {
		if (Date.now() > deadline) throw new Error('the Redis store did not reconnect within 10 s');
		await sleep(50);
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A little over the fallback store's retry interval during an outage (1 s). */
const PAST_RETRY_MS = 1_100;

/** The host files, with a moment before each lock attempt where the test can act as another process. */
class HostFiles extends FileTokenStore {
	beforeLock?: () => Promise<void>;

	override async tryLock(key: string, leaseMs: number) {
		await this.beforeLock?.();
		return await super.tryLock(key, leaseMs);
	}
}

function hostFiles(): HostFiles {
	const root = mkdtempSync(join(tmpdir(), 'n8n-api-auth-fallback-'));
	roots.push(root);
	return new HostFiles(join(root, 'tokens'), ENCRYPTION_KEY, quiet);
}

function fallback(options: { url?: string; local?: HostFiles; logger?: Logger } = {}): { store: FallbackTokenStore; remote: HeldRedis; local: HostFiles } {
	const remote = redisStore(options.url);
	const local = options.local ?? hostFiles();
	return { store: new FallbackTokenStore(remote, local, options.logger ?? quiet), remote, local };
}

function recordingLogger(): Logger & { lines: string[] } {
	const lines: string[] = [];
	const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
	return { lines, debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}

const state = (accessToken: string, obtainedAt: number): TokenState => ({ accessToken, obtainedAt, expiresAt: obtainedAt + 3_600_000, expirySource: 'expires_in' });
const status = (message: string): TokenStatus => ({ backoff: { until: 1, failures: 1, message, fix: 'f', transient: true } });
const T = 1_900_000_000_000;

describe('records', () => {
	it('the status is read from Redis while it answers (another host may have written it), else from the host', async () => {
		const { store, remote, local } = fallback();
		await store.setStatus(KEY, status('both'));
		expect(await remote.getStatus(KEY)).toEqual(status('both'));
		expect(await local.getStatus(KEY)).toEqual(status('both'));
		await remote.setStatus(KEY, status('from another host'));
		expect(await store.getStatus(KEY)).toEqual(status('from another host'));
		await remote.setStatus(KEY, undefined);
		expect(await store.getStatus(KEY)).toBeUndefined();
		const away = fallback({ url: awayUrl, local });
		expect(await away.store.getStatus(KEY)).toEqual(status('both'));
	});

	it('clearing the status and deleting reach both stores', async () => {
		const { store, remote, local } = fallback();
		await store.setState(KEY, state('a', T));
		await store.setStatus(KEY, status('s'));
		await store.setStatus(KEY, undefined);
		expect([await remote.getStatus(KEY), await local.getStatus(KEY)]).toEqual([undefined, undefined]);
		await store.delete(KEY);
		expect([await remote.getState(KEY), await local.getState(KEY)]).toEqual([undefined, undefined]);
	});

	it('while Redis is away, writes go to the host files and reads come from them; the outage is logged once', async () => {
		const logger = recordingLogger();
		const { store, local, remote } = fallback({ url: awayUrl, logger });
		const tried = jest.spyOn(remote, 'getState');
		await store.setState(KEY, state('during', T));
		expect(await local.getState(KEY)).toEqual(state('during', T));
		expect(await store.getState(KEY)).toEqual(state('during', T));
		expect(store.inOutage).toBe(true);
		await store.delete(KEY);
		expect(await local.getState(KEY)).toBeUndefined();
		// Within a second of a failure Redis is not tried again (a partitioned one makes each try wait).
		expect(tried).not.toHaveBeenCalled();
		expect(logger.lines).toEqual([
			expect.stringMatching(/^warn: API Auth: Redis at test cannot be used \(.+\)\. OAuth2 tokens are kept in this host's encrypted token files until it answers again; meanwhile token renewals are coordinated only between the n8n processes of this host\.$/),
		]);
	});

	it('commands failing together start one outage, logged once', async () => {
		const logger = recordingLogger();
		const { store } = fallback({ url: awayUrl, logger });
		await Promise.all([store.getStatus(KEY), store.getStatus(KEY), store.getState(KEY)]);
		expect(logger.lines).toHaveLength(1);
	});

	it('Redis is tried again a second after the last failure, to the millisecond; a failing retry is the same outage', async () => {
		const logger = recordingLogger();
		const { store, remote } = fallback({ url: awayUrl, logger });
		const tried = jest.spyOn(remote, 'getStatus');
		const at = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(at);
		try {
			await store.getStatus(KEY);
			clock.mockReturnValue(at + 999);
			await store.getStatus(KEY);
			expect(tried).toHaveBeenCalledTimes(1);
			clock.mockReturnValue(at + 1_000);
			await store.getStatus(KEY);
			expect(tried).toHaveBeenCalledTimes(2);
			expect(logger.lines).toHaveLength(1);
		} finally {
			clock.mockRestore();
		}
	});

	it('an outage ends at the first command that succeeds: logged once, and what was written meanwhile is put back into Redis', async () => {
		const logger = recordingLogger();
		const { store, remote } = fallback({ logger });
		await redis.stop();
		await store.setState(KEY, state('during', T));
		await store.setState(KEY, state('during', T));
		expect(store.inOutage).toBe(true);
		await redis.start();
		const deadline = Date.now() + 10_000;
		while (store.inOutage && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			await store.getState(KEY);
		}
		expect(store.inOutage).toBe(false);
		expect(await remote.getState(KEY)).toEqual(state('during', T));
		expect(logger.lines).toEqual([expect.stringMatching(/^warn: API Auth: Redis at test cannot be used/), 'info: API Auth: Redis at test answers again; OAuth2 tokens are shared by all workers again']);
	});

	it('a host copy newer than Redis\'s is put back into Redis; equal ones are left as they are', async () => {
		const { store, remote, local } = fallback();
		await remote.setState(KEY, state('shared', T));
		await local.setState(KEY, state('host', T + 1));
		expect(await store.getState(KEY)).toEqual(state('host', T + 1));
		expect(await remote.getState(KEY)).toEqual(state('host', T + 1));
		await local.setState(KEY, state('host-twin', T + 1));
		expect(await store.getState(KEY)).toEqual(state('host', T + 1));
		expect(await local.getState(KEY)).toEqual(state('host-twin', T + 1));
	});

	it('a newer token in Redis refreshes the host copy, but not while a process of this host holds the host lock', async () => {
		const { store, remote, local } = fallback();
		await local.setState(KEY, state('host', T));
		await remote.setState(KEY, state('shared', T + 1));
		const held = await local.tryLock(KEY, 60_000);
		expect(await store.getState(KEY)).toEqual(state('shared', T + 1));
		expect(await local.getState(KEY)).toEqual(state('host', T));
		await held?.release();
		expect(await store.getState(KEY)).toEqual(state('shared', T + 1));
		expect(await local.getState(KEY)).toEqual(state('shared', T + 1));
		// The copy released the host lock.
		expect(await local.tryLock(KEY, 1_000)).toBeDefined();
	});

	it('the host copy is not replaced by an older or equal token when a process of this host wrote one meanwhile', async () => {
		for (const meanwhile of [T + 2, T + 1]) {
			const { store, remote, local } = fallback();
			await local.setState(KEY, state('host', T));
			await remote.setState(KEY, state('shared', T + 1));
			local.beforeLock = async () => {
				local.beforeLock = undefined;
				await local.setState(KEY, state('written meanwhile', meanwhile));
			};
			await store.getState(KEY);
			expect(await local.getState(KEY)).toEqual(state('written meanwhile', meanwhile));
		}
	});

	it('a key neither store holds reads as absent, and nothing is written', async () => {
		const { store, remote, local } = fallback();
		expect(await store.getState(KEY)).toBeUndefined();
		expect(await local.getState(KEY)).toBeUndefined();
		expect(await remote.getState(KEY)).toBeUndefined();
	});

	it('closing closes the Redis connection', async () => {
		const { store, remote } = fallback();
		await store.getState(KEY);
		await store.close();
		await expect(remote.getState(KEY)).rejects.toThrow('cannot be used');
	});

	it('a token only in Redis is copied to the host', async () => {
		const { store, remote, local } = fallback();
		await remote.setState(KEY, state('shared', T));
		expect(await store.getState(KEY)).toEqual(state('shared', T));
		expect(await local.getState(KEY)).toEqual(state('shared', T));
	});
});

describe('a command under way while the outage starts or ends says nothing new', () => {
	it('one that failed before Redis came back does not start a second outage when its failure arrives late', async () => {
		const logger = recordingLogger();
		const { store, remote } = fallback({ logger });
		await redis.stop();
		const late = remote.holdNextStatus();
		const first = store.getStatus(KEY);
		await late.outcome;
		// Another command fails: the outage starts (1st change); after a second Redis answers again (2nd).
		await store.getStatus(KEY);
		expect(store.inOutage).toBe(true);
		await redis.start();
		await reconnected(remote);
		await sleep(PAST_RETRY_MS);
		await store.getStatus(KEY);
		expect(store.inOutage).toBe(false);
		late.release();
		await first;
		expect(store.inOutage).toBe(false);
		expect(logger.lines).toEqual([expect.stringMatching(/^warn: API Auth: Redis at test cannot be used/), expect.stringMatching(/^info: API Auth: Redis at test answers again/)]);
	});

	it('one that Redis answered before it went away does not end the outage when its answer arrives late', async () => {
		const logger = recordingLogger();
		const { store, remote } = fallback({ logger });
		await redis.stop();
		await store.getStatus(KEY);
		await redis.start();
		await reconnected(remote);
		await sleep(PAST_RETRY_MS);
		const late = remote.holdNextStatus();
		const first = store.getStatus(KEY);
		await late.outcome;
		// Another command ends the outage (2nd change), and a third fails again (3rd).
		await store.getStatus(KEY);
		expect(store.inOutage).toBe(false);
		await redis.stop();
		await store.getStatus(KEY);
		expect(store.inOutage).toBe(true);
		late.release();
		await first;
		expect(store.inOutage).toBe(true);
		expect(logger.lines.map((line) => line.slice(0, line.indexOf(':')))).toEqual(['warn', 'info', 'warn']);
	});
});

describe('lock', () => {
	it('refused by Redis (another host holds it): the host lock is given back at once', async () => {
		const { store, local } = fallback();
		const otherHost = await redisStore().tryLock(KEY, 60_000);
		expect(otherHost).toBeDefined();
		expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		expect(await local.tryLock(KEY, 1_000)).toBeDefined();
	});

	it('held: renewed in both; lost when another host took the Redis lock; released in both', async () => {
		const { store, local } = fallback();
		const lock = await store.tryLock(KEY, 60_000);
		expect(lock).toBeDefined();
		expect(await local.tryLock(KEY, 1_000)).toBeUndefined();
		expect(await redisStore().tryLock(KEY, 1_000)).toBeUndefined();
		expect(await lock?.renew()).toBe(true);
		expect(await redis.client().pttl(redisName('lock', KEY, ENCRYPTION_KEY))).toBeGreaterThan(50_000);
		// The lease ran out in Redis and another host took it.
		await redis.client().set(redisName('lock', KEY, ENCRYPTION_KEY), 'another-host');
		expect(await lock?.renew()).toBe(false);
		await lock?.release();
		expect(await redis.client().get(redisName('lock', KEY, ENCRYPTION_KEY))).toBe('another-host');
		expect(await local.tryLock(KEY, 1_000)).toBeDefined();
	});

	it('released in both', async () => {
		const { store, local } = fallback();
		const lock = await store.tryLock(KEY, 60_000);
		await lock?.release();
		expect(await redis.client().exists(redisName('lock', KEY, ENCRYPTION_KEY))).toBe(0);
		expect(await local.tryLock(KEY, 1_000)).toBeDefined();
	});

	it('while Redis is away the host lock alone is the lock, and a renewal keeps it', async () => {
		const { store, local } = fallback({ url: awayUrl });
		const lock = await store.tryLock(KEY, 60_000);
		expect(lock).toBeDefined();
		expect(await local.tryLock(KEY, 1_000)).toBeUndefined();
		expect(await lock?.renew()).toBe(true);
		await lock?.release();
		expect(await local.tryLock(KEY, 1_000)).toBeDefined();
	});

	it('a host lock that ran out is lost even while Redis answers', async () => {
		const { store, local } = fallback();
		const lock = await store.tryLock(KEY, 1);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(await local.tryLock(KEY, 60_000)).toBeDefined();
		expect(await lock?.renew()).toBe(false);
	});
});
