/**
 * Where OAuth2 token state lives between items, runs, restarts and workers. Implementations:
 * memory (one process), encrypted files in the n8n user folder (one host), Redis (queue mode).
 *
 * Two records per token key: the token state itself, and a status record (back-off after token
 * endpoint failures, "reconnect needed" after a revoked grant). A failed token request only ever
 * writes the status record, so good token state is never overwritten by a failure.
 */

export interface TokenState {
	accessToken: string;
	tokenType?: string;
	refreshToken?: string;
	/** Epoch ms. */
	expiresAt: number;
	/** Epoch ms when the token was obtained. */
	obtainedAt: number;
	/** Where the expiry came from, shown in the auth trace. */
	expirySource: 'expires_in' | 'expires_at' | 'jwt' | 'default' | 'unknown';
}

export interface TokenStatus {
	/** The grant was revoked or expired: fail fast until the credential changes. */
	reconnect?: { at: number; message: string; fix: string };
	/**
	 * Token endpoint failures: no new token request before `until` (epoch ms). Transient failures
	 * (5xx, 429, timeouts, network) let items wait for the next attempt; others (invalid_client…)
	 * fail items at once with the same message.
	 */
	backoff?: { until: number; failures: number; message: string; fix: string; transient: boolean };
	/**
	 * A refresh request was sent at `at` (epoch ms) and its outcome not recorded yet. Found by the
	 * next lock holder, it means the sender died waiting: the refresh token may be used already.
	 */
	refreshing?: { at: number };
}

export interface LockHandle {
	/** Extends the lease; false when the lock was lost (lease ran out and another process took it). */
	renew(): Promise<boolean>;
	release(): Promise<void>;
}

export interface TokenStore {
	readonly kind: 'memory' | 'file' | 'redis';
	getState(key: string): Promise<TokenState | undefined>;
	setState(key: string, state: TokenState): Promise<void>;
	getStatus(key: string): Promise<TokenStatus | undefined>;
	setStatus(key: string, status: TokenStatus | undefined): Promise<void>;
	/** One attempt to take the cross-process lock of `key`; undefined when another holder has it. */
	tryLock(key: string, leaseMs: number): Promise<LockHandle | undefined>;
	/** Drops every record of `key` (token state and status). */
	delete(key: string): Promise<void>;
	/** Closes connections the store holds open (Redis), so that a process can end. */
	close?(): Promise<void>;
}
