/** Token state in this process only: used when no encryption key is available for the file store. */
import type { LockHandle, TokenState, TokenStatus, TokenStore } from './tokenStore';

export class MemoryTokenStore implements TokenStore {
	readonly kind = 'memory' as const;
	private readonly states = new Map<string, TokenState>();
	private readonly statuses = new Map<string, TokenStatus>();
	private readonly locks = new Map<string, { owner: symbol; until: number }>();

	async getState(key: string): Promise<TokenState | undefined> {
		return this.states.get(key);
	}

	async setState(key: string, state: TokenState): Promise<void> {
		this.states.set(key, state);
	}

	async getStatus(key: string): Promise<TokenStatus | undefined> {
		return this.statuses.get(key);
	}

	async setStatus(key: string, status: TokenStatus | undefined): Promise<void> {
		if (status) this.statuses.set(key, status);
		else this.statuses.delete(key);
	}

	async tryLock(key: string, leaseMs: number): Promise<LockHandle | undefined> {
		const held = this.locks.get(key);
		if (held && held.until > Date.now()) return undefined;
		const owner = Symbol(key);
		this.locks.set(key, { owner, until: Date.now() + leaseMs });
		return {
			renew: async () => {
				const current = this.locks.get(key);
				if (current?.owner !== owner) return false;
				current.until = Date.now() + leaseMs;
				return true;
			},
			release: async () => {
				if (this.locks.get(key)?.owner === owner) this.locks.delete(key);
			},
		};
	}

	async delete(key: string): Promise<void> {
		this.states.delete(key);
		this.statuses.delete(key);
	}
}
