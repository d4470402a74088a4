/**
 * Token state in encrypted files in the n8n user folder, shared by every n8n process on the host:
 *   <n8n folder>/api-auth/tokens/<key>.token    sealed token state
 *   <n8n folder>/api-auth/tokens/<key>.status   sealed status (back-off, reconnect needed)
 *   <n8n folder>/api-auth/tokens/<key>.lock     cross-process lock: owner and lease expiry
 * Every write goes to a temporary file that is renamed over the target, so a reader (or a
 * process killed mid-write) sees the old record or the new one, never half of one. Locks are
 * created with link() (atomic, fails if one exists) and broken only after their lease ran out,
 * by one process at a time.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../services';
import { RecordCipher } from './encryption';
import type { LockHandle, TokenState, TokenStatus, TokenStore } from './tokenStore';

interface LockRecord {
	owner: string;
	until: number;
	pid: number;
}

/** A lock file that cannot be parsed is left alone this long (its writer may be mid-write). */
const UNREADABLE_LOCK_GRACE_MS = 5_000;

export class FileTokenStore implements TokenStore {
	readonly kind = 'file' as const;
	private readonly cipher: RecordCipher;
	private ready: Promise<void> | undefined;

	constructor(
		readonly dir: string,
		encryptionKey: string,
		private readonly logger: Logger,
	) {
		this.cipher = new RecordCipher(encryptionKey);
	}

	private path(key: string, kind: 'token' | 'status' | 'lock'): string {
		if (!/^[a-f0-9]{16,128}$/.test(key)) throw new Error('token store keys are hex digests');
		return join(this.dir, `${key}.${kind}`);
	}

	private async ensureDir(): Promise<void> {
		this.ready ??= fs.mkdir(this.dir, { recursive: true, mode: 0o700 }).then(async () => await this.restrictDir());
		await this.ready;
	}

	/**
	 * A folder made by hand or by an older version may be open to other users: they could then list
	 * which credentials exist, delete records or plant lock files. It is narrowed to its owner, or,
	 * when that is refused (owned by another user), reported.
	 */
	private async restrictDir(): Promise<void> {
		const { mode } = await fs.stat(this.dir);
		if ((mode & 0o077) === 0) return;
		const was = (mode & 0o777).toString(8);
		try {
			await fs.chmod(this.dir, 0o700);
			this.logger.warn(`API Auth: the token folder ${this.dir} was open to other users (mode ${was}); it is now 700`);
		} catch (error) {
			this.logger.warn(`API Auth: the token folder ${this.dir} is open to other users (mode ${was}) and could not be narrowed (${(error as NodeJS.ErrnoException).code ?? 'error'}): run chmod 700 on it as its owner`);
		}
	}

	private async writeAtomic(path: string, content: string): Promise<void> {
		await this.ensureDir();
		const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
		const handle = await fs.open(temp, 'w', 0o600);
		try {
			await handle.writeFile(content, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		try {
			await fs.rename(temp, path);
		} catch (error) {
			await fs.rm(temp, { force: true });
			throw error;
		}
	}

	private async readSealed<T>(key: string, kind: 'token' | 'status'): Promise<T | undefined> {
		let sealed: string;
		try {
			sealed = await fs.readFile(this.path(key, kind), 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw error;
		}
		try {
			return this.cipher.open<T>(`${key}.${kind}`, sealed);
		} catch {
			this.logger.warn(`API Auth: the stored ${kind} record ${key.slice(0, 12)}… cannot be read (damaged, or written with another encryption key); it is ignored and replaced on the next write`);
			return undefined;
		}
	}

	async getState(key: string): Promise<TokenState | undefined> {
		return await this.readSealed<TokenState>(key, 'token');
	}

	async setState(key: string, state: TokenState): Promise<void> {
		await this.writeAtomic(this.path(key, 'token'), this.cipher.seal(`${key}.token`, state));
	}

	async getStatus(key: string): Promise<TokenStatus | undefined> {
		return await this.readSealed<TokenStatus>(key, 'status');
	}

	async setStatus(key: string, status: TokenStatus | undefined): Promise<void> {
		if (!status) {
			await fs.rm(this.path(key, 'status'), { force: true });
			return;
		}
		await this.writeAtomic(this.path(key, 'status'), this.cipher.seal(`${key}.status`, status));
	}

	async delete(key: string): Promise<void> {
		await Promise.all((['token', 'status'] as const).map((kind) => fs.rm(this.path(key, kind), { force: true })));
	}

	private async readLock(path: string): Promise<{ record?: LockRecord; mtimeMs: number } | undefined> {
		try {
			const [content, stats] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
			try {
				return { record: JSON.parse(content) as LockRecord, mtimeMs: stats.mtimeMs };
			} catch {
				return { mtimeMs: stats.mtimeMs };
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw error;
		}
	}

	/** Creates the lock file with its content in one step: link() fails if the lock exists. */
	private async create(path: string, record: LockRecord): Promise<boolean> {
		await this.ensureDir();
		const temp = `${path}.${record.owner}.tmp`;
		await fs.writeFile(temp, JSON.stringify(record), { mode: 0o600 });
		try {
			await fs.link(temp, path);
			return true;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
			throw error;
		} finally {
			await fs.rm(temp, { force: true });
		}
	}

	private expired(seen: { record?: LockRecord; mtimeMs: number }): boolean {
		return seen.record ? seen.record.until < Date.now() : Date.now() - seen.mtimeMs > UNREADABLE_LOCK_GRACE_MS;
	}

	/**
	 * Removes a lock whose lease ran out, holding a breaker lock (<lock>.break) meanwhile: of
	 * several processes that saw the same stale lock, one removes it, and none can remove the
	 * new lock another process made in the meantime, since the lock is read again under the breaker.
	 */
	private async breakStale(path: string): Promise<void> {
		const breaker = `${path}.break`;
		if (!(await this.create(breaker, { owner: randomUUID(), until: Date.now() + UNREADABLE_LOCK_GRACE_MS, pid: process.pid }))) {
			// Another process is breaking it; a breaker left by a process that died is cleared once old.
			const other = await this.readLock(breaker);
			if (other && this.expired(other)) await fs.rm(breaker, { force: true });
			return;
		}
		try {
			const current = await this.readLock(path);
			if (current && this.expired(current)) {
				this.logger.warn('API Auth: a token lock outlived its lease (its holder probably died); taking it over');
				await fs.rm(path, { force: true });
			}
		} finally {
			await fs.rm(breaker, { force: true });
		}
	}

	async tryLock(key: string, leaseMs: number): Promise<LockHandle | undefined> {
		const path = this.path(key, 'lock');
		const owner = randomUUID();
		const record = (): LockRecord => ({ owner, until: Date.now() + leaseMs, pid: process.pid });
		if (await this.create(path, record())) return this.handle(path, owner, record);
		const seen = await this.readLock(path);
		if (seen) {
			if (!this.expired(seen)) return undefined;
			await this.breakStale(path);
		}
		return (await this.create(path, record())) ? this.handle(path, owner, record) : undefined;
	}

	private handle(path: string, owner: string, record: () => LockRecord): LockHandle {
		return {
			renew: async () => {
				const current = await this.readLock(path);
				if (current?.record?.owner !== owner) return false;
				await this.writeAtomic(path, JSON.stringify(record()));
				return true;
			},
			release: async () => {
				const current = await this.readLock(path);
				if (current?.record?.owner === owner) await fs.rm(path, { force: true });
			},
		};
	}
}
