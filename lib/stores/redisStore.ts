/**
 * Token state in Redis, shared by every n8n process that reaches it (queue mode):
 *   n8n-api-auth:token:<name>    sealed token state
 *   n8n-api-auth:status:<name>   sealed status (back-off, reconnect needed)
 *   n8n-api-auth:lock:<name>     cross-process lock: a random owner id that expires with the lease
 *
 * <name> is an HMAC-SHA256 of the token key under a key derived from n8n's encryption key. The
 * token key is a plain hash of the configuration, secrets included: as a name, anyone allowed to
 * list keys could test guesses of a weak client secret or password against it offline, and two
 * installations sharing a Redis with the same configuration would share one record. Keyed, the
 * names reveal nothing and are per installation (its queue-mode workers share the encryption key).
 * Records written by earlier versions under the token key itself are carried over when first read.
 *
 * Records are sealed as in the file store (AES-256-GCM under a key derived from n8n's encryption
 * key), so Redis only ever holds ciphertext. They expire RECORD_TTL_DAYS after their last write:
 * a credential in use is written at every renewal, and one unused for that long has a refresh
 * token most providers no longer honour (Microsoft: 90 days of inactivity); the expiry only
 * clears records of credentials that were changed or deleted.
 *
 * On a Redis Cluster (n8n's QUEUE_BULL_REDIS_CLUSTER_NODES) the key part is a hash tag,
 * `n8n-api-auth:token:{<name>}`, so that a key's record, status and lock live in one hash slot,
 * on one master: the two-key DEL works, and the lock and the record it guards fail over together.
 * ioredis's Cluster client follows MOVED/ASK redirections and retries through a failover.
 *
 * The lock is SET NX PX; renewal and release compare the owner inside a Lua script, so only the
 * holder extends or frees it, and a holder that died loses it when the lease ends, timed by
 * Redis's clock rather than the workers'.
 *
 * While Redis is unreachable every command fails at once (no offline queue, bounded command
 * time) so that the caller can fall back; the client keeps reconnecting in the background.
 * ioredis is loaded only when this store is created, so users outside queue mode never load it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { silenceDebug } from '../security/silenceDebug';
import type { Logger } from '../services';
import { RecordCipher, deriveKey } from './encryption';
import type { RedisTarget } from './redisTarget';
import type { LockHandle, TokenState, TokenStatus, TokenStore } from './tokenStore';

export const RECORD_TTL_DAYS = 90;
const RECORD_TTL_MS = RECORD_TTL_DAYS * 24 * 3_600_000;
const NAMESPACE = 'n8n-api-auth';
/** How long a command, or the first connection, may take before the caller falls back. */
const COMMAND_TIMEOUT_MS = 2_000;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Redis could not serve a command: unreachable, too slow, or refusing (e.g. a wrong password). */
export class RedisUnavailableError extends Error {
	constructor(label: string, reason: string) {
		super(`Redis at ${label} cannot be used (${reason})`);
		this.name = 'RedisUnavailableError';
	}
}

/** A single Redis or a Redis Cluster: the commands used here are the same on both. */
type RedisClient = Redis | Cluster;

/**
 * How long a command cut off by a failing cluster node waits before it is sent again, to the
 * node then serving its slot: ioredis tries up to 16 times (maxRedirections), so about 5 s, which
 * covers a replica's promotion with Redis's usual timings; after that the caller falls back.
 */
const CLUSTER_FAILOVER_RETRY_MS = 300;

function connectionOptions(target: RedisTarget): RedisOptions {
	return {
		...target.options,
		connectionName: 'n8n-api-auth',
		enableOfflineQueue: false,
		// A command cut off by a lost connection fails rather than being sent again after the
		// reconnection, when a write could replace newer state.
		maxRetriesPerRequest: 0,
		connectTimeout: COMMAND_TIMEOUT_MS,
		commandTimeout: COMMAND_TIMEOUT_MS,
		// ioredis waits this long for a dead connection to close on disconnect; keep shutdown quick.
		disconnectTimeout: 500,
		// Keep trying to come back, at most every 2 s.
		retryStrategy: (times: number) => Math.min(100 * times, 2_000),
	};
}

function clusterOptions(target: RedisTarget & { cluster: NonNullable<RedisTarget['cluster']> }): ClusterOptions {
	const { enableOfflineQueue, retryStrategy, ...redisOptions } = connectionOptions(target);
	return {
		redisOptions,
		enableOfflineQueue,
		clusterRetryStrategy: retryStrategy as ClusterOptions['clusterRetryStrategy'],
		retryDelayOnFailover: CLUSTER_FAILOVER_RETRY_MS,
		slotsRefreshTimeout: target.cluster.slotsRefreshTimeout,
		slotsRefreshInterval: target.cluster.slotsRefreshInterval,
		...(target.cluster.keepHostNames ? { dnsLookup: (address, lookup) => lookup(null, address) } : {}),
	};
}

function connect(target: RedisTarget): RedisClient {
	// Its debug log prints the connection options, Redis password included.
	silenceDebug('ioredis', 'ioredis:*');
	const IORedis = (require('ioredis') as typeof import('ioredis')).default;
	if (target.cluster) return new IORedis.Cluster(target.cluster.nodes, clusterOptions({ ...target, cluster: target.cluster }));
	const options = connectionOptions(target);
	return target.url ? new IORedis(target.url, options) : new IORedis(options);
}

/** On a cluster, the part of a key's names that picks the hash slot: the same for its record, status and lock. */
function slotTag(key: string, cluster: boolean): string {
	return cluster ? `{${key}}` : key;
}

type RecordKind = 'token' | 'status';

export class RedisTokenStore implements TokenStore {
	readonly kind = 'redis' as const;
	readonly label: string;
	private readonly client: RedisClient;
	private readonly cluster: boolean;
	private readonly cipher: RecordCipher;
	private readonly nameKey: Buffer;
	/** Records looked for under their legacy name already: once per process is enough, as nothing writes there now. */
	private readonly legacyChecked = new Set<string>();
	private lastError = 'not connected yet';
	/** Settles when the first connection attempt has: until then, commands wait instead of failing. */
	private readonly firstAttempt: Promise<void>;

	constructor(
		target: RedisTarget,
		encryptionKey: string,
		private readonly logger: Logger,
	) {
		this.label = target.label;
		this.cipher = new RecordCipher(encryptionKey);
		this.nameKey = deriveKey(encryptionKey, 'redis-key-names-v1');
		this.cluster = target.cluster !== undefined;
		this.client = connect(target);
		// Without a listener ioredis prints every reconnection failure; the caller reports outages.
		this.client.on('error', (error: Error) => {
			this.lastError = error.message;
			logger.debug(`API Auth: Redis at ${this.label}: ${error.message}`);
		});
		this.firstAttempt = new Promise<void>((resolve) => {
			const done = (): void => {
				clearTimeout(timer);
				this.client.off('ready', done).off('error', done).off('end', done);
				resolve();
			};
			const timer = setTimeout(done, COMMAND_TIMEOUT_MS + 500);
			this.client.once('ready', done).once('error', done).once('end', done);
		});
	}

	private name(kind: RecordKind | 'lock', key: string): string {
		const keyed = createHmac('sha256', this.nameKey).update(key).digest('hex');
		return `${NAMESPACE}:${kind}:${slotTag(keyed, this.cluster)}`;
	}

	/** The name earlier versions used: the token key itself. Only read, to carry a record over. */
	private legacyName(kind: RecordKind, key: string): string {
		return `${NAMESPACE}:${kind}:${slotTag(key, this.cluster)}`;
	}

	/** Runs commands on the connected client; fails at once with RedisUnavailableError while Redis is away. */
	private async command<T>(run: (client: RedisClient) => Promise<T>): Promise<T> {
		await this.firstAttempt;
		if (this.client.status !== 'ready') throw new RedisUnavailableError(this.label, this.lastError);
		try {
			return await run(this.client);
		} catch (error) {
			throw new RedisUnavailableError(this.label, (error as Error).message);
		}
	}

	/**
	 * The sealed record under its name or, missing there, under its legacy name: then it is moved
	 * to its name (unless a newer one was written there meanwhile), so that a refresh token rotated
	 * before the upgrade is not lost. Sealed records carry over as they are: their additional data
	 * is the token key, not the name.
	 */
	private async read(kind: RecordKind, key: string): Promise<string | null> {
		const name = this.name(kind, key);
		const current = await this.command((c) => c.get(name));
		const legacyName = this.legacyName(kind, key);
		if (current !== null || this.legacyChecked.has(legacyName)) return current;
		const legacy = await this.command((c) => c.get(legacyName));
		const moved = legacy === null ? null : await this.command((c) => c.set(name, legacy, 'PX', RECORD_TTL_MS, 'NX'));
		this.legacyChecked.add(legacyName);
		if (legacy === null) return null;
		// Two commands, as on a cluster the two names are in different hash slots.
		await this.command((c) => c.del(legacyName));
		return moved === 'OK' ? legacy : await this.command((c) => c.get(name));
	}

	private open<T>(key: string, kind: RecordKind, sealed: string | null): T | undefined {
		if (sealed === null) return undefined;
		try {
			return this.cipher.open<T>(`${key}.${kind}`, sealed);
		} catch {
			this.logger.warn(`API Auth: the ${kind} record ${key.slice(0, 12)}… in Redis cannot be read (written with another encryption key?); it is ignored and replaced on the next write`);
			return undefined;
		}
	}

	async getState(key: string): Promise<TokenState | undefined> {
		return this.open<TokenState>(key, 'token', await this.read('token', key));
	}

	async setState(key: string, state: TokenState): Promise<void> {
		const sealed = this.cipher.seal(`${key}.token`, state);
		await this.command((c) => c.set(this.name('token', key), sealed, 'PX', RECORD_TTL_MS));
	}

	async getStatus(key: string): Promise<TokenStatus | undefined> {
		return this.open<TokenStatus>(key, 'status', await this.read('status', key));
	}

	async setStatus(key: string, status: TokenStatus | undefined): Promise<void> {
		const name = this.name('status', key);
		if (!status) await this.command((c) => c.del(name));
		else await this.command((c) => c.set(name, this.cipher.seal(`${key}.status`, status), 'PX', RECORD_TTL_MS));
	}

	async delete(key: string): Promise<void> {
		await this.command((c) => c.del(this.name('token', key), this.name('status', key)));
		// Not read since: it would bring the deleted record back.
		await this.command((c) => c.del(this.legacyName('token', key), this.legacyName('status', key)));
	}

	async tryLock(key: string, leaseMs: number): Promise<LockHandle | undefined> {
		const lock = this.name('lock', key);
		const owner = randomUUID();
		const lease = String(Math.ceil(leaseMs));
		const taken = await this.command((c) => c.set(lock, owner, 'PX', lease, 'NX'));
		if (taken !== 'OK') return undefined;
		return {
			renew: async () => (await this.command((c) => c.eval(RENEW, 1, lock, owner, lease))) === 1,
			release: async () => {
				await this.command((c) => c.eval(RELEASE, 1, lock, owner));
			},
		};
	}

	async close(): Promise<void> {
		// quit() while reconnecting would leave the reconnection timer running.
		if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
		this.client.disconnect();
	}
}
