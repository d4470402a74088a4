/**
 * Which token store this process uses, chosen once:
 *   N8N_API_AUTH_TOKEN_STORE=memory|file|redis   forces one;
 *   otherwise Redis (with this host's files as its fallback) when n8n runs in queue mode
 *   (EXECUTIONS_MODE=queue) or N8N_API_AUTH_REDIS_URL names a dedicated Redis; else encrypted
 *   files in the n8n user folder when n8n's encryption key is known; else memory.
 * Where Redis is: see redisTarget.ts. Lock timing comes from N8N_API_AUTH_LOCK_LEASE_MS
 * (default 30 s) and N8N_API_AUTH_LOCK_POLL_MS (default 100 ms).
 */
import { join } from 'node:path';
import type { Logger } from '../services';
import { n8nEncryptionKey, n8nFolder } from './encryption';
import { FallbackTokenStore } from './fallbackStore';
import { FileTokenStore } from './fileStore';
import { MemoryTokenStore } from './memoryStore';
import { RedisTokenStore } from './redisStore';
import { isQueueMode, readSetting, redisTarget, usesRedisCluster } from './redisTarget';
import type { TokenStore } from './tokenStore';

export interface StoreSettings {
	leaseMs: number;
	pollMs: number;
	/** How long one token request may take (not the item's timeout: see tokens/manager.ts). */
	tokenTimeoutMs: number;
}

function positive(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function storeSettings(env: NodeJS.ProcessEnv = process.env): StoreSettings {
	return {
		leaseMs: positive(env.N8N_API_AUTH_LOCK_LEASE_MS, 30_000),
		pollMs: positive(env.N8N_API_AUTH_LOCK_POLL_MS, 100),
		tokenTimeoutMs: positive(env.N8N_API_AUTH_TOKEN_TIMEOUT_MS, 120_000),
	};
}

export function tokenStoreDir(env: NodeJS.ProcessEnv = process.env): string {
	return join(n8nFolder(env), 'api-auth', 'tokens');
}

const CHOICES = ['memory', 'file', 'redis'] as const;
type Choice = (typeof CHOICES)[number];

function forcedChoice(logger: Logger, env: NodeJS.ProcessEnv): Choice | undefined {
	const value = readSetting(env, 'N8N_API_AUTH_TOKEN_STORE')?.toLowerCase();
	if (value === undefined || (CHOICES as readonly string[]).includes(value)) return value as Choice | undefined;
	logger.warn(`API Auth: N8N_API_AUTH_TOKEN_STORE="${value}" is not one of ${CHOICES.join(', ')}; the store is chosen automatically`);
	return undefined;
}

function chooseStore(logger: Logger, env: NodeJS.ProcessEnv): TokenStore {
	const forced = forcedChoice(logger, env);
	if (forced === 'memory') return new MemoryTokenStore();
	const key = n8nEncryptionKey(env);
	if (!key) {
		logger.warn('API Auth: n8n\'s encryption key was not found, so OAuth2 tokens are kept in memory only, per process, and fetched again after a restart');
		return new MemoryTokenStore();
	}
	const local = new FileTokenStore(tokenStoreDir(env), key, logger);
	const wantsRedis = forced === 'redis' || (forced === undefined && (isQueueMode(env) || readSetting(env, 'N8N_API_AUTH_REDIS_URL') !== undefined));
	if (!wantsRedis) return local;
	if (usesRedisCluster(env)) {
		logger.warn('API Auth: n8n uses a Redis cluster (QUEUE_BULL_REDIS_CLUSTER_NODES), which the token store does not support; OAuth2 tokens are coordinated per host. Set N8N_API_AUTH_REDIS_URL to one Redis node to share them between hosts.');
		return local;
	}
	const redis = new RedisTokenStore(redisTarget(env), key, logger);
	logger.info(`API Auth: OAuth2 tokens are shared between workers through Redis at ${redis.label}`);
	return new FallbackTokenStore(redis, local, logger);
}

let selected: TokenStore | undefined;

export function tokenStore(logger: Logger, env: NodeJS.ProcessEnv = process.env): TokenStore {
	selected ??= chooseStore(logger, env);
	return selected;
}

/** Forgets the chosen store and closes its connections (tests, and processes that end). */
export async function resetTokenStore(): Promise<void> {
	const previous = selected;
	selected = undefined;
	await previous?.close?.();
}
