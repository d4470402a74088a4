/**
 * The queue-mode store: Redis shared by every worker, with this host's encrypted file store
 * beside it so that workflows keep running while Redis is away.
 *
 *   state   written to both; read from both, the newer wins (by when it was obtained). A newer
 *           copy in Redis refreshes the host's copy, and a newer host copy (written during an
 *           outage, or lost by a Redis restarted without persistence) is put back into Redis.
 *   status  written to both, read from Redis while it answers.
 *   lock    the host's lock first (it orders the processes of this host, also across an
 *           outage), then the Redis lock (it orders the hosts).
 *
 * When Redis fails, work goes on with the host's store alone: the outage is logged once when
 * it starts and once when it ends, not per item. During it, refreshes are coordinated between
 * the processes that share the n8n folder, not between hosts.
 */
import type { Logger } from '../services';
import type { RedisTokenStore } from './redisStore';
import type { LockHandle, TokenState, TokenStatus, TokenStore } from './tokenStore';

/** Lease of the host lock while copying a state from Redis: a file write, well under a second. */
const COPY_LEASE_MS = 5_000;
/**
 * During an outage, Redis is tried again at most this often: a Redis that does not answer at all
 * (a network partition) makes each try wait for the command timeout.
 */
const OUTAGE_RETRY_MS = 1_000;

type Attempt<T> = { ok: true; value: T } | { ok: false };

export class FallbackTokenStore implements TokenStore {
	readonly kind = 'redis' as const;
	private outage = false;
	/** How many times `outage` changed. */
	private changes = 0;
	private lastFailureAt = 0;

	constructor(
		private readonly redis: RedisTokenStore,
		private readonly local: TokenStore,
		private readonly logger: Logger,
	) {}

	/** Whether the last Redis command failed (tests and diagnostics). */
	get inOutage(): boolean {
		return this.outage;
	}

	private async attempt<T>(run: () => Promise<T>): Promise<Attempt<T>> {
		// Only a command that started after the last change of state may change it again: one
		// that was already under way when Redis went away (or came back) says nothing new.
		const started = this.changes;
		if (this.outage && Date.now() - this.lastFailureAt < OUTAGE_RETRY_MS) return { ok: false };
		try {
			const value = await run();
			if (this.outage && started === this.changes) {
				this.changes++;
				this.outage = false;
				this.logger.info(`API Auth: Redis at ${this.redis.label} answers again; OAuth2 tokens are shared by all workers again`);
			}
			return { ok: true, value };
		} catch (error) {
			this.lastFailureAt = Date.now();
			if (!this.outage && started === this.changes) {
				this.changes++;
				this.outage = true;
				this.logger.warn(
					`API Auth: ${(error as Error).message}. OAuth2 tokens are kept in this host's encrypted token files until it answers again; meanwhile token renewals are coordinated only between the n8n processes of this host.`,
				);
			}
			return { ok: false };
		}
	}

	async getState(key: string): Promise<TokenState | undefined> {
		const [remote, local] = await Promise.all([this.attempt(() => this.redis.getState(key)), this.local.getState(key)]);
		if (!remote.ok) return local;
		const shared = remote.value;
		if (local && (!shared || local.obtainedAt > shared.obtainedAt)) {
			await this.attempt(() => this.redis.setState(key, local));
			return local;
		}
		if (shared && (!local || shared.obtainedAt > local.obtainedAt)) await this.copyToHost(key, shared);
		return shared;
	}

	/**
	 * Keeps the host's copy current for the next outage. Under the host lock, so that it never
	 * replaces a newer state written meanwhile; skipped while the lock is taken, as its holder
	 * is about to write the newest state itself.
	 */
	private async copyToHost(key: string, state: TokenState): Promise<void> {
		const lock = await this.local.tryLock(key, COPY_LEASE_MS);
		if (!lock) return;
		try {
			const current = await this.local.getState(key);
			if (!current || current.obtainedAt < state.obtainedAt) await this.local.setState(key, state);
		} finally {
			await lock.release();
		}
	}

	async setState(key: string, state: TokenState): Promise<void> {
		await this.local.setState(key, state);
		await this.attempt(() => this.redis.setState(key, state));
	}

	async getStatus(key: string): Promise<TokenStatus | undefined> {
		const remote = await this.attempt(() => this.redis.getStatus(key));
		return remote.ok ? remote.value : await this.local.getStatus(key);
	}

	async setStatus(key: string, status: TokenStatus | undefined): Promise<void> {
		await this.local.setStatus(key, status);
		await this.attempt(() => this.redis.setStatus(key, status));
	}

	async delete(key: string): Promise<void> {
		await this.local.delete(key);
		await this.attempt(() => this.redis.delete(key));
	}

	async tryLock(key: string, leaseMs: number): Promise<LockHandle | undefined> {
		const local = await this.local.tryLock(key, leaseMs);
		if (!local) return undefined;
		const remote = await this.attempt(() => this.redis.tryLock(key, leaseMs));
		if (remote.ok && !remote.value) {
			await local.release();
			return undefined;
		}
		const shared = remote.ok ? remote.value : undefined;
		return {
			renew: async () => {
				const held = await local.renew();
				if (!shared) return held;
				const renewed = await this.attempt(() => shared.renew());
				// Redis being away does not take the lock from its holder; another holder there does.
				return held && (!renewed.ok || renewed.value);
			},
			release: async () => {
				if (shared) await this.attempt(() => shared.release());
				await local.release();
			},
		};
	}

	async close(): Promise<void> {
		await this.redis.close();
	}
}
