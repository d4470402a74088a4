/**
 * The file store's records and its cross-process lock, on real files in a temporary folder the
 * test removes: sealed records bound to their key and kind, atomic writes that leave no temporary
 * files, keys that cannot name a path outside the folder; a lock that is exclusive, renewed and
 * released only by its owner, taken over after its lease, and broken by one process at a time.
 */
import { existsSync, promises as fs, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../lib/services';
import { FileTokenStore } from '../../lib/stores/fileStore';
import type { TokenState } from '../../lib/stores/tokenStore';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OTHER = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff';
const ENCRYPTION_KEY = 'file-records-test-key';
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function recordingLogger(): Logger & { warnings: string[] } {
	const warnings: string[] = [];
	return { warnings, debug: () => undefined, info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
}

function fileStore(encryptionKey = ENCRYPTION_KEY, dir?: string): { store: FileTokenStore; dir: string; logger: ReturnType<typeof recordingLogger> } {
	if (!dir) {
		const root = mkdtempSync(join(tmpdir(), 'n8n-api-auth-filerecords-'));
		roots.push(root);
		dir = join(root, 'tokens');
	}
	const logger = recordingLogger();
	return { store: new FileTokenStore(dir, encryptionKey, logger), dir, logger };
}

const state = (accessToken: string): TokenState => ({ accessToken, refreshToken: `rt-${accessToken}`, expiresAt: 2_000_000_000_000, obtainedAt: 1_999_996_400_000, expirySource: 'expires_in' });
const backoff = { backoff: { until: 5, failures: 2, message: 'HTTP 503', fix: 'wait', transient: true } };
const lockRecord = (dir: string) => JSON.parse(readFileSync(join(dir, `${KEY}.lock`), 'utf8')) as { owner: string; until: number; pid: number };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('records', () => {
	it('are sealed, read back, and written through a temporary file that does not stay', async () => {
		const { store, dir } = fileStore();
		await store.setState(KEY, state('Secret-access'));
		await store.setState(KEY, state('Secret-newer'));
		await store.setStatus(KEY, backoff);
		expect(readdirSync(dir).sort()).toEqual([`${KEY}.status`, `${KEY}.token`]);
		const raw = readFileSync(join(dir, `${KEY}.token`), 'utf8');
		expect(raw).not.toContain('Secret');
		expect(await store.getState(KEY)).toEqual(state('Secret-newer'));
		expect(await store.getStatus(KEY)).toEqual(backoff);
		expect(await store.getState(OTHER)).toBeUndefined();
		expect(await store.getStatus(OTHER)).toBeUndefined();
	});

	it('clearing the status removes its file; deleting removes token and status', async () => {
		const { store, dir } = fileStore();
		await store.setState(KEY, state('a'));
		await store.setStatus(KEY, backoff);
		await store.setStatus(KEY, undefined);
		expect(readdirSync(dir)).toEqual([`${KEY}.token`]);
		await store.setStatus(KEY, backoff);
		await store.delete(KEY);
		expect(readdirSync(dir)).toEqual([]);
		expect(await store.getState(KEY)).toBeUndefined();
		await store.setStatus(KEY, undefined);
	});

	it('deleting or clearing records that do not exist is no error', async () => {
		const { store } = fileStore();
		await store.setState(KEY, state('a'));
		await store.delete(OTHER);
		await store.setStatus(OTHER, undefined);
		expect(await store.getState(KEY)).toEqual(state('a'));
	});

	it('writes close every file they open', async () => {
		const { store } = fileStore();
		const open = () => readdirSync('/proc/self/fd').length;
		await store.setState(KEY, state('first'));
		const before = open();
		for (let i = 0; i < 20; i++) await store.setState(KEY, state(`a${i}`));
		expect(open()).toBeLessThan(before + 5);
	});

	it('are bound to their key and kind: a record copied under another name reads as absent, with a warning', async () => {
		const { store, dir, logger } = fileStore();
		await store.setState(KEY, state('a'));
		const sealed = readFileSync(join(dir, `${KEY}.token`), 'utf8');
		writeFileSync(join(dir, `${OTHER}.token`), sealed);
		writeFileSync(join(dir, `${KEY}.status`), sealed);
		expect(await store.getState(OTHER)).toBeUndefined();
		expect(await store.getStatus(KEY)).toBeUndefined();
		expect(logger.warnings).toEqual([
			'API Auth: the stored token record ffffffffffff… cannot be read (damaged, or written with another encryption key); it is ignored and replaced on the next write',
			'API Auth: the stored status record a1b2c3d4e5f6… cannot be read (damaged, or written with another encryption key); it is ignored and replaced on the next write',
		]);
	});

	it('written under another encryption key read as absent', async () => {
		const { store, dir } = fileStore();
		await store.setState(KEY, state('a'));
		const other = fileStore('another-encryption-key', dir);
		expect(await other.store.getState(KEY)).toBeUndefined();
		expect(other.logger.warnings).toHaveLength(1);
	});

	it('a record that cannot be read for another reason than absence fails the read', async () => {
		const { store, dir } = fileStore();
		mkdirSync(join(dir, `${KEY}.token`), { recursive: true });
		await expect(store.getState(KEY)).rejects.toMatchObject({ code: 'EISDIR' });
	});

	it('a write that cannot replace its target fails and removes its temporary file', async () => {
		const { store, dir } = fileStore();
		mkdirSync(join(dir, `${KEY}.token`, 'in-the-way'), { recursive: true });
		await expect(store.setState(KEY, state('a'))).rejects.toThrow();
		expect(readdirSync(dir)).toEqual([`${KEY}.token`]);
	});

	it.each(['../../etc/passwd', 'A1B2C3D4E5F60718', 'a1b2c3d4e5f6071', 'a'.repeat(129), `${KEY}.x`, `x${KEY}`])('refuses the key %s: keys are hex digests, never paths', async (key) => {
		const { store } = fileStore();
		await expect(store.getState(key)).rejects.toThrow('token store keys are hex digests');
		await expect(store.setState(key, state('a'))).rejects.toThrow('token store keys are hex digests');
	});

	it.each(['a1b2c3d4e5f60718', 'a'.repeat(128)])('accepts the hex key %s', async (key) => {
		const { store } = fileStore();
		await store.setState(key, state('a'));
		expect((await store.getState(key))?.accessToken).toBe('a');
	});
});

describe('lock', () => {
	it('is exclusive until released, and records its owner, lease and process', async () => {
		const { store, dir } = fileStore();
		const before = Date.now();
		const lock = await store.tryLock(KEY, 60_000);
		expect(lock).toBeDefined();
		const record = lockRecord(dir);
		expect(record.pid).toBe(process.pid);
		expect(record.owner).toMatch(/^[0-9a-f-]{36}$/);
		expect(record.until).toBeGreaterThanOrEqual(before + 60_000);
		expect(record.until).toBeLessThanOrEqual(Date.now() + 60_000);
		expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		expect(await fileStore(ENCRYPTION_KEY, dir).store.tryLock(KEY, 60_000)).toBeUndefined();
		await lock?.release();
		expect(existsSync(join(dir, `${KEY}.lock`))).toBe(false);
		expect(await store.tryLock(KEY, 60_000)).toBeDefined();
		// No temporary or breaker file stays beside the lock.
		expect(readdirSync(dir)).toEqual([`${KEY}.lock`]);
	});

	it('the lock file is private to its owner', async () => {
		const { store, dir } = fileStore();
		await store.tryLock(KEY, 60_000);
		expect(statSync(join(dir, `${KEY}.lock`)).mode & 0o777).toBe(0o600);
	});

	it('a lock released by its holder between the failed take and the look at it is taken', async () => {
		const { store, dir } = fileStore();
		await store.tryLock(KEY, 60_000);
		const path = join(dir, `${KEY}.lock`);
		const readFile = fs.readFile.bind(fs);
		const spy = jest.spyOn(fs, 'readFile').mockImplementation(async (...args: Parameters<typeof fs.readFile>) => {
			if (args[0] === path) rmSync(path, { force: true });
			return await readFile(...args);
		});
		try {
			expect(await store.tryLock(KEY, 60_000)).toBeDefined();
		} finally {
			spy.mockRestore();
		}
	});

	it('a lock that cannot be read (not a file) fails the attempt rather than pass for free', async () => {
		const { store, dir } = fileStore();
		await store.setState(KEY, state('a'));
		mkdirSync(join(dir, `${KEY}.lock`));
		await expect(store.tryLock(KEY, 60_000)).rejects.toMatchObject({ code: 'EISDIR' });
	});

	it('a lock file that cannot be created for another reason than an existing lock fails the attempt', async () => {
		const { store } = fileStore();
		await store.setState(KEY, state('a'));
		const spy = jest.spyOn(fs, 'link').mockRejectedValueOnce(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
		try {
			await expect(store.tryLock(KEY, 60_000)).rejects.toMatchObject({ code: 'EACCES' });
		} finally {
			spy.mockRestore();
		}
	});

	it('a lease is held up to and including its last millisecond; an unreadable lock for 5 s to the millisecond', async () => {
		const { store, dir } = fileStore();
		await store.setState(KEY, state('a'));
		const path = join(dir, `${KEY}.lock`);
		const at = Date.now();
		writeFileSync(path, JSON.stringify({ owner: 'other', until: at, pid: 1 }));
		const clock = jest.spyOn(Date, 'now').mockReturnValue(at);
		try {
			expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
			writeFileSync(path, 'half a rec');
			clock.mockReturnValue(statSync(path).mtimeMs + 5_000);
			expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		} finally {
			clock.mockRestore();
		}
	});

	it('renewing extends the lease, and only the owner can', async () => {
		const { store, dir } = fileStore();
		const lock = await store.tryLock(KEY, 60_000);
		const first = lockRecord(dir);
		await sleep(5);
		expect(await lock?.renew()).toBe(true);
		const renewed = lockRecord(dir);
		expect(renewed.owner).toBe(first.owner);
		expect(renewed.until).toBeGreaterThan(first.until);
		expect(readdirSync(dir)).toEqual([`${KEY}.lock`]);
	});

	it('a lock whose lease ran out is taken over, with a warning; the old holder can then neither renew nor release it', async () => {
		const { store, dir, logger } = fileStore();
		const old = await store.tryLock(KEY, 1);
		await sleep(20);
		const next = await store.tryLock(KEY, 60_000);
		expect(next).toBeDefined();
		expect(logger.warnings).toEqual(['API Auth: a token lock outlived its lease (its holder probably died); taking it over']);
		const owner = lockRecord(dir).owner;
		expect(await old?.renew()).toBe(false);
		await old?.release();
		expect(lockRecord(dir).owner).toBe(owner);
		expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		expect(readdirSync(dir)).toEqual([`${KEY}.lock`]);
	});

	it('a lock file that cannot be parsed is respected for 5 s after it was written (its writer may be mid-write), then broken', async () => {
		const { store, dir } = fileStore();
		await store.setState(KEY, state('a'));
		const path = join(dir, `${KEY}.lock`);
		writeFileSync(path, '{"owner":');
		expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		const sixSecondsAgo = (Date.now() - 6_000) / 1000;
		utimesSync(path, sixSecondsAgo, sixSecondsAgo);
		expect(await store.tryLock(KEY, 60_000)).toBeDefined();
	});

	it('while another process breaks a stale lock, this one waits; a breaker left by a dead process is cleared', async () => {
		const { store, dir } = fileStore();
		await store.tryLock(KEY, 1);
		await sleep(20);
		const breaker = join(dir, `${KEY}.lock.break`);
		writeFileSync(breaker, JSON.stringify({ owner: 'other', until: Date.now() + 5_000, pid: 1 }));
		expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		expect(existsSync(breaker)).toBe(true);
		writeFileSync(breaker, JSON.stringify({ owner: 'other', until: Date.now() - 1, pid: 1 }));
		expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		expect(existsSync(breaker)).toBe(false);
		expect(await store.tryLock(KEY, 60_000)).toBeDefined();
	});

	it('a lock another process took between the stale check and the break is read again under the breaker, and not removed', async () => {
		const { store, dir } = fileStore();
		await store.tryLock(KEY, 1);
		await sleep(20);
		const path = join(dir, `${KEY}.lock`);
		const fresh = JSON.stringify({ owner: 'other-process', until: Date.now() + 60_000, pid: 1 });
		const readFile = fs.readFile.bind(fs);
		let reads = 0;
		let breaker: { until: number; pid: number } | undefined;
		// The first read of the lock sees it stale; right after, another process breaks it and takes a new one.
		const spy = jest.spyOn(fs, 'readFile').mockImplementation(async (...args: Parameters<typeof fs.readFile>) => {
			const content = await readFile(...args);
			if (args[0] === path && ++reads === 1) writeFileSync(path, fresh);
			// Under the breaker: its record tells other processes it is fresh for 5 s.
			if (args[0] === path && reads === 2) breaker = JSON.parse(readFileSync(`${path}.break`, 'utf8')) as typeof breaker;
			return content;
		});
		try {
			expect(await store.tryLock(KEY, 60_000)).toBeUndefined();
		} finally {
			spy.mockRestore();
		}
		expect(reads).toBe(2);
		expect(breaker?.pid).toBe(process.pid);
		expect(breaker?.until).toBeGreaterThan(Date.now() + 4_000);
		expect(readFileSync(path, 'utf8')).toBe(fresh);
	});

	/** Another process removes `gone` right after this one read `read` (the race the store's `force` options cover). */
	async function removedAfterRead<T>(read: string, gone: string, run: () => Promise<T>): Promise<T> {
		const readFile = fs.readFile.bind(fs);
		let done = false;
		const spy = jest.spyOn(fs, 'readFile').mockImplementation(async (...args: Parameters<typeof fs.readFile>) => {
			const content = await readFile(...args);
			if (!done && args[0] === read) {
				done = true;
				rmSync(gone, { force: true });
			}
			return content;
		});
		try {
			return await run();
		} finally {
			spy.mockRestore();
		}
	}

	it('a dead breaker another process clears at the same moment is no error', async () => {
		const { store, dir } = fileStore();
		await store.tryLock(KEY, 1);
		await sleep(20);
		const breaker = join(dir, `${KEY}.lock.break`);
		writeFileSync(breaker, JSON.stringify({ owner: 'dead', until: Date.now() - 1, pid: 1 }));
		// This attempt only clears the breaker (the lock is still stale); the next takes the lock.
		expect(await removedAfterRead(breaker, breaker, () => store.tryLock(KEY, 60_000))).toBeUndefined();
		expect(await store.tryLock(KEY, 60_000)).toBeDefined();
	});

	it('a stale lock or breaker that vanishes while this process breaks it is no error', async () => {
		const { store, dir } = fileStore();
		await store.tryLock(KEY, 1);
		await sleep(20);
		const path = join(dir, `${KEY}.lock`);
		// The stale lock's holder releases it after this process's last look at it.
		const reads: string[] = [];
		const readFile = fs.readFile.bind(fs);
		const spy = jest.spyOn(fs, 'readFile').mockImplementation(async (...args: Parameters<typeof fs.readFile>) => {
			const content = await readFile(...args);
			if (args[0] === path && reads.push(String(args[0])) === 2) {
				rmSync(path, { force: true });
				rmSync(`${path}.break`, { force: true });
			}
			return content;
		});
		try {
			expect(await store.tryLock(KEY, 60_000)).toBeDefined();
		} finally {
			spy.mockRestore();
		}
	});

	it('releasing a lock that was broken meanwhile is no error', async () => {
		const { store, dir } = fileStore();
		const lock = await store.tryLock(KEY, 60_000);
		const path = join(dir, `${KEY}.lock`);
		await removedAfterRead(path, path, async () => await lock?.release());
		expect(existsSync(path)).toBe(false);
	});
});
