/**
 * The token lifecycle, one for every token source (source.ts): gets a token for a request from
 * this process's cache, from the shared store, or from the source (an OAuth2 grant, a login
 * request…), with one token request per expiry however many items, runs or processes ask:
 *
 *   in-process single flight  - concurrent items of this process share one attempt per key;
 *   cross-process lock        - only the lock holder calls the token endpoint; it re-reads the
 *                               store first and renews its lease while the request is in flight;
 *   waiters                   - re-read the store until the holder has written the new token,
 *                               bounded by their request's timeout; a waiter never renews on its own.
 *
 * Failures never overwrite token state: they go to the key's status record (back-off, or
 * "reconnect needed" after a revoked grant), which later items read to fail fast.
 */
import type { Clock } from '../clock';
import { TokenRequestError } from '../errors';
import type { Logger } from '../services';
import type { LockHandle, TokenState, TokenStatus, TokenStore } from '../stores/tokenStore';
import { decide, type Decision, isFresh, isUsable } from './decision';
import { asTokenError, backoffError, inProgressError, interruptedRefreshError, reconnectError, statusAfterFailure, unknownOutcomeError } from './errors';
import { tokenKey } from './key';
import { clearTransits, recentTransit, recordTransit } from './transit';
import type { TokenCall, TokenSource } from './source';

/** Where the token handed out came from, as the auth trace shows it. */
export type TokenOrigin = 'cache' | 'store' | 'fetched' | 'refreshed' | 'credential';

export interface Obtained {
	state: TokenState;
	source: TokenOrigin;
}

export interface TokenManagerDeps {
	store: TokenStore;
	clock: Clock;
	logger: Logger;
	/** The connection pool for token requests (TLS settings and proxy of the credential). */
	agent: TokenCall['agent'];
	/** Lease of the cross-process lock; renewed every third of it while a token request runs. */
	leaseMs: number;
	/** How often a waiter re-reads the store. */
	pollMs: number;
	/**
	 * How long a token request may take. Not the item's timeout: a refresh abandoned while the
	 * provider processes it may have used the refresh token, and its answer would be lost. Items stop
	 * waiting at their own timeout; the request goes on, holding the lock, and stores what it gets.
	 */
	tokenTimeoutMs: number;
	/** Called with every token obtained, so redaction knows it. */
	onToken(state: TokenState): void;
}

/** Newest token state per key in this process, and the attempt in flight per key. */
const cache = new Map<string, TokenState>();
const flights = new Map<string, Promise<Obtained>>();
/** Renewals before expiry, which no caller waits for. */
const background = new Set<Promise<void>>();

/** Resolves once no token request of this process is in flight (they may outlive their callers). */
export async function whenIdle(): Promise<void> {
	await Promise.allSettled([...flights.values(), ...background]);
}

/** Forgets this process's cached tokens (tests; the store keeps them). */
export function clearTokenCache(): void {
	cache.clear();
	clearTransits();
}

class Again {}
const TIMED_OUT = Symbol('timed out');
/** A token request failed in a way items may wait out: the back-off is recorded in the store. */
class RetryLater {
	constructor(readonly error: TokenRequestError) {}
}

export class TokenManager {
	readonly key: string;
	/** For messages: where tokens come from. */
	private readonly endpoint: string;
	/** What a renewal is called in messages. */
	private readonly kind: 'request' | 'refresh';

	constructor(
		private readonly source: TokenSource,
		private readonly deps: TokenManagerDeps,
	) {
		this.key = tokenKey(source);
		this.endpoint = source.endpoint;
		this.kind = source.canObtain ? 'request' : 'refresh';
	}

	/** A token that is not `rejected` and not past its refresh point, obtained by the rules above. */
	async token(options: { deadline: number; rejected?: string }): Promise<Obtained> {
		for (let attempt = 0; attempt < 3; attempt++) {
			const now = this.deps.clock.now();
			const cached = cache.get(this.key);
			const policy = this.policy(now);
			if (isUsable(cached, now, policy, options.rejected) && isFresh(cached, now, policy)) return { state: cached, source: 'cache' };
			let flight = flights.get(this.key);
			if (!flight) {
				flight = this.obtain(options).finally(() => flights.delete(this.key));
				// It may outlive every caller (see waitFor): its failure is recorded, not lost.
				flight.catch(() => undefined);
				flights.set(this.key, flight);
			}
			const result = await this.waitFor(flight, options.deadline);
			// A flight that started before this caller's token was rejected may bring that same token back.
			// (Its token is not held to the recent transit time: a slow answer would else discard it.)
			if (isUsable(result.state, this.deps.clock.now(), this.source.policy, options.rejected)) return result;
		}
		throw new TokenRequestError(`The API rejected every token obtained from ${this.endpoint}`, {
			endpoint: this.endpoint,
			fix: 'Check Token Expired Status Codes, and the scope and audience the API requires.',
		});
	}

	/** A request carrying a token of this key was answered `ms` after the token was handed out. */
	recordTransit(ms: number): void {
		recordTransit(this.key, ms, this.deps.clock.now());
	}

	/** The source's policy, with how long this key's requests lately took to be answered. */
	private policy(now: number) {
		const transitMs = recentTransit(this.key, now);
		return transitMs > 0 ? { ...this.source.policy, transitMs } : this.source.policy;
	}

	/** Waits for the attempt in flight until this caller's deadline; the attempt itself goes on. */
	private async waitFor(flight: Promise<Obtained>, deadline: number): Promise<Obtained> {
		const started = this.deps.clock.now();
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<typeof TIMED_OUT>((resolve) => {
			// At least a second, as a token request had before: a renewal after a slow API answer gets a chance.
			timer = setTimeout(() => resolve(TIMED_OUT), Math.max(1_000, deadline - started));
		});
		try {
			const result = await Promise.race([flight, late]);
			if (result !== TIMED_OUT) return result;
		} finally {
			clearTimeout(timer);
		}
		throw inProgressError(this.endpoint, this.kind, this.deps.clock.now() - started, 'here', (await this.statusQuietly())?.backoff);
	}

	/** The status record, or nothing when the store cannot say (only used to word an error). */
	private async statusQuietly(): Promise<TokenStatus | undefined> {
		try {
			return await this.deps.store.getStatus(this.key);
		} catch {
			return undefined;
		}
	}

	/** The stored state, or the one the credential itself holds (pasted or Connect tokens). */
	private async read(): Promise<{ state: TokenState | undefined; status: TokenStatus | undefined; fromCredential: boolean }> {
		const [stored, status] = await Promise.all([this.deps.store.getState(this.key), this.deps.store.getStatus(this.key)]);
		const seed = stored ? undefined : this.source.seed?.(this.deps.clock.now());
		return seed ? { state: seed, status, fromCredential: true } : { state: stored, status, fromCredential: false };
	}

	private decide(state: TokenState | undefined, status: TokenStatus | undefined, rejected?: string): Decision {
		const now = this.deps.clock.now();
		return decide({ state, status, now, policy: this.policy(now), rejectedToken: rejected, canGrant: this.source.canObtain });
	}

	private async obtain(options: { deadline: number; rejected?: string }): Promise<Obtained> {
		const { clock, store } = this.deps;
		const started = clock.now();
		for (;;) {
			const { state, status, fromCredential } = await this.read();
			const decision = this.decide(state, status, options.rejected);
			switch (decision.action) {
				case 'use':
					return this.remember(decision.state, fromCredential ? 'credential' : 'store');
				case 'reconnect':
					throw reconnectError(this.endpoint, decision.message, decision.fix);
				case 'backoff': {
					if (!decision.transient || decision.until >= options.deadline) throw backoffError(this.endpoint, decision, clock.now());
					await clock.sleep(Math.max(1, decision.until - clock.now()));
					continue;
				}
				case 'renewSoon': {
					// The current token still works: this item uses it, and the renewal runs in the
					// background (holding the lock), so a slow token endpoint never delays an item.
					const lock = await store.tryLock(this.key, this.deps.leaseMs);
					if (lock) this.renewInBackground(lock);
					return this.remember(decision.state, fromCredential ? 'credential' : 'store');
				}
				case 'renew': {
					const lock = await store.tryLock(this.key, this.deps.leaseMs);
					if (!lock) {
						if (clock.now() + this.deps.pollMs >= options.deadline) throw inProgressError(this.endpoint, this.kind, clock.now() - started, 'elsewhere', status?.backoff);
						await clock.sleep(this.deps.pollMs);
						continue;
					}
					try {
						return await this.renewHolding(lock, options);
					} catch (error) {
						// After a failure worth waiting out, these items wait for the next attempt as
						// the other processes' items do, not fail at once.
						if (error instanceof Again || error instanceof RetryLater) continue;
						throw error;
					} finally {
						await lock.release();
					}
				}
			}
		}
	}

	private renewInBackground(lock: LockHandle): void {
		const renewal = this.renewHolding(lock, { deadline: this.deps.clock.now() + this.deps.tokenTimeoutMs })
			.then(
				() => undefined,
				(error: unknown) => {
					if (error instanceof Again) return;
					const cause = error instanceof RetryLater ? error.error : (error as Error);
					// A failed early renewal costs nothing yet: the current token is used until it expires.
					this.deps.logger.warn(`API Auth: renewing the token before expiry failed; the current token is used until it expires. ${cause.message}`);
				},
			)
			.finally(() => lock.release());
		background.add(renewal);
		void renewal.finally(() => background.delete(renewal));
	}

	/** Holding the lock: re-read, and only if still needed, call the token endpoint. */
	private async renewHolding(lock: LockHandle, options: { deadline: number; rejected?: string }): Promise<Obtained> {
		const { state, status } = await this.read();
		const decision = this.decide(state, status, options.rejected);
		if (decision.action === 'use') return this.remember(decision.state, 'store');
		if (decision.action !== 'renew' && decision.action !== 'renewSoon') throw new Again();

		const keeper = setInterval(() => {
			lock.renew().then(
				(held) => held || this.deps.logger.warn('API Auth: the token lock was lost while renewing (lease ran out)'),
				() => undefined,
			);
		}, Math.max(50, this.deps.leaseMs / 3));
		try {
			return await this.callEndpoint(decision.via, state, status, options.deadline);
		} finally {
			clearInterval(keeper);
		}
	}

	private async callEndpoint(via: 'refresh' | 'grant', state: TokenState | undefined, status: TokenStatus | undefined, deadline: number): Promise<Obtained> {
		const { clock, store } = this.deps;
		const { source } = this;
		const call = (): TokenCall => ({ agent: this.deps.agent, timeoutMs: Math.max(this.deps.tokenTimeoutMs, deadline - clock.now()), now: () => clock.now() });
		/** Whether this call wrote a status record that a success must clear. */
		let marked = false;
		const finish = async (next: TokenState, how: 'refreshed' | 'fetched'): Promise<Obtained> => {
			await store.setState(this.key, next);
			if (status || marked) await store.setStatus(this.key, undefined);
			return this.remember(next, how);
		};
		try {
			if (via === 'refresh' && state?.refreshToken) {
				const current = { ...state, refreshToken: state.refreshToken };
				// Marks the refresh as under way: should this process die before the answer, the next
				// lock holder learns why the refresh token may have been used already.
				const interrupted = status?.refreshing;
				await store.setStatus(this.key, { ...status, refreshing: { at: clock.now() } });
				marked = true;
				try {
					return await finish(await source.refresh(current, call()), 'refreshed');
				} catch (error) {
					if (!(error instanceof TokenRequestError)) throw error;
					if (error.grantRevoked && source.canObtain) {
						this.deps.logger.info('API Auth: the refresh token was rejected; requesting a new token with the grant');
						return await finish(await source.obtain(call()), 'fetched');
					}
					if (error.outcomeUnknown) return await this.afterUnknownOutcome(error, current, call, finish);
					throw error.grantRevoked && interrupted ? interruptedRefreshError(error, Math.max(0, Math.round((clock.now() - interrupted.at) / 1000))) : error;
				}
			}
			return await finish(await source.obtain(call()), 'fetched');
		} catch (error) {
			const failure = asTokenError(error, this.endpoint);
			throw (await this.recordFailure(failure, status, via)) ? new RetryLater(failure) : failure;
		}
	}

	/**
	 * The refresh request was sent but no answer came: the provider may have rotated the refresh
	 * token already. Prefer a token another process stored meanwhile; repeat the refresh only if
	 * the credential allows it; otherwise fail clearly rather than present a possibly used token.
	 */
	private async afterUnknownOutcome(
		error: TokenRequestError,
		previous: TokenState & { refreshToken: string },
		call: () => TokenCall,
		finish: (next: TokenState, how: 'refreshed') => Promise<Obtained>,
	): Promise<Obtained> {
		const stored = await this.deps.store.getState(this.key);
		if (stored && stored.refreshToken !== previous.refreshToken && isUsable(stored, this.deps.clock.now(), this.source.policy)) return this.remember(stored, 'store');
		if (this.source.retryUnknownOutcome) {
			this.deps.logger.warn('API Auth: the refresh answer was lost; sending the same refresh once more (Retry Refresh After Unknown Outcome is on)');
			return await finish(await this.source.refresh(previous, call()), 'refreshed');
		}
		throw unknownOutcomeError(error);
	}

	/** Records a failure in the status record; true when waiting items may wait out its back-off. */
	private async recordFailure(error: TokenRequestError, status: TokenStatus | undefined, via: 'refresh' | 'grant'): Promise<boolean> {
		const next = statusAfterFailure(error, status, via, this.deps.clock.now());
		try {
			await this.deps.store.setStatus(this.key, next.status);
			return next.transient;
		} catch (storeError) {
			this.deps.logger.warn(`API Auth: could not record the token failure: ${(storeError as Error).message}`);
			return false;
		}
	}

	private remember(state: TokenState, source: TokenOrigin): Obtained {
		const known = cache.get(this.key);
		if (!known || state.obtainedAt >= known.obtainedAt) cache.set(this.key, state);
		this.deps.onToken(state);
		return { state, source };
	}
}
