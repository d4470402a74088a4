/**
 * Which token store this process uses, chosen once:
 *   N8N_API_AUTH_TOKEN_STORE=memory|file   forces one;
 *   otherwise encrypted files in the n8n user folder when n8n's encryption key is known, else memory.
 * Lock timing comes from N8N_API_AUTH_LOCK_LEASE_MS (default 30 s) and N8N_API_AUTH_LOCK_POLL_MS (default 100 ms).
 */
import { join } from 'node:path';
import type { Logger } from '../services';
import { n8nEncryptionKey, n8nFolder } from './encryption';
import { FileTokenStore } from './fileStore';
import { MemoryTokenStore } from './memoryStore';
import type { TokenStore } from './tokenStore';

export interface StoreSettings {
	leaseMs: number;
	pollMs: number;
}

function positive(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function storeSettings(env: NodeJS.ProcessEnv = process.env): StoreSettings {
	return {
		leaseMs: positive(env.N8N_API_AUTH_LOCK_LEASE_MS, 30_000),
		pollMs: positive(env.N8N_API_AUTH_LOCK_POLL_MS, 100),
	};
}

export function tokenStoreDir(env: NodeJS.ProcessEnv = process.env): string {
	return join(n8nFolder(env), 'api-auth', 'tokens');
}

let selected: TokenStore | undefined;

export function tokenStore(logger: Logger, env: NodeJS.ProcessEnv = process.env): TokenStore {
	if (selected) return selected;
	const forced = env.N8N_API_AUTH_TOKEN_STORE;
	const key = n8nEncryptionKey(env);
	if (forced === 'memory') {
		selected = new MemoryTokenStore();
	} else if (key) {
		selected = new FileTokenStore(tokenStoreDir(env), key, logger);
	} else {
		logger.warn('API Auth: n8n\'s encryption key was not found, so OAuth2 tokens are kept in memory only and fetched again after a restart');
		selected = new MemoryTokenStore();
	}
	return selected;
}

/** Forgets the chosen store (tests). */
export function resetTokenStore(): void {
	selected = undefined;
}
