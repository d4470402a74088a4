/**
 * The token lifecycle as a pure decision: from the stored state, its status record and the
 * clock, what to do for a request that needs a token. No I/O here.
 *
 * A token is "usable" until its expiry less the clock-skew allowance (or until the API rejected
 * it), "fresh" until the refresh window before that, and renewed with its refresh token when it has
 * one, else with the grant. The window is min(margin, share × lifetime): 60 s before expiry for an
 * hour-long token, 1 s for a 10-second one. The skew allowance (default 2 s: the provider's clock may
 * run ahead of this machine's) applies to every lifetime, capped at a fifth of it so that a token
 * shorter than the allowance is still used for most of its life. A token is also not handed out
 * once it would expire on the way: within the recent transit time of its requests (transit.ts),
 * capped likewise at a fifth of its life.
 */
import { exponentialBackoff } from '../backoff';
import type { TokenState, TokenStatus } from '../stores/tokenStore';

export interface RefreshPolicy {
	refreshMarginMs: number;
	refreshWindowShare: number;
	/** How far the provider's clock may be ahead of this machine's; DEFAULT_CLOCK_SKEW_MS if unset. */
	clockSkewMs?: number;
	/** How long requests carrying the token lately took to be answered (measured, not configured). */
	transitMs?: number;
}

export const DEFAULT_CLOCK_SKEW_MS = 2_000;
/** The skew and transit allowances each never take more than this share of a token's lifetime. */
const SHARE_CAP = 0.2;

export type Decision =
	/** Use this token; nothing to do. */
	| { action: 'use'; state: TokenState }
	/** Renew now if the lock is free; meanwhile (or if renewing fails) this token still works. */
	| { action: 'renewSoon'; state: TokenState; via: 'refresh' | 'grant' }
	/** No usable token: renew (waiting for another process that already does). */
	| { action: 'renew'; via: 'refresh' | 'grant' }
	/** The grant is gone: fail fast without a token request until the credential changes. */
	| { action: 'reconnect'; message: string; fix: string }
	/** The token endpoint is failing: no new request before `until`. */
	| { action: 'backoff'; until: number; message: string; fix: string; transient: boolean };

function lifetimeOf(state: TokenState): number {
	return Math.max(0, state.expiresAt - state.obtainedAt);
}

/** The last moment a request may carry the token: its expiry less the clock-skew allowance. */
export function usableUntil(state: TokenState, policy: RefreshPolicy): number {
	return state.expiresAt - Math.min(policy.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS, lifetimeOf(state) * SHARE_CAP);
}

export function refreshAt(state: TokenState, policy: RefreshPolicy): number {
	return usableUntil(state, policy) - Math.min(policy.refreshMarginMs, lifetimeOf(state) * policy.refreshWindowShare);
}

/** The last moment a request may take the token along: usable still when the API gets it. */
function sendableUntil(state: TokenState, policy: RefreshPolicy): number {
	return usableUntil(state, policy) - Math.min(policy.transitMs ?? 0, lifetimeOf(state) * SHARE_CAP);
}

export function isUsable(state: TokenState | undefined, now: number, policy: RefreshPolicy, rejectedToken?: string): state is TokenState {
	return !!state && sendableUntil(state, policy) > now && state.accessToken !== rejectedToken;
}

export function isFresh(state: TokenState, now: number, policy: RefreshPolicy): boolean {
	return now < refreshAt(state, policy);
}

export function decide(input: {
	state: TokenState | undefined;
	status: TokenStatus | undefined;
	now: number;
	policy: RefreshPolicy;
	/** The token the API just rejected, if any: it is not used again. */
	rejectedToken?: string;
	/** Whether a new token can be had without a refresh token (client credentials, password). */
	canGrant: boolean;
}): Decision {
	const { state, status, now, policy, rejectedToken, canGrant } = input;
	const usable = isUsable(state, now, policy, rejectedToken);
	if (usable && isFresh(state, now, policy)) return { action: 'use', state };
	// A token that cannot be renewed and whose expiry is only assumed (no expires_in, not a JWT):
	// providers issue such long-lived tokens; it is used until the API rejects it.
	if (state?.accessToken && state.accessToken !== rejectedToken && !state.refreshToken && !canGrant && (state.expirySource === 'default' || state.expirySource === 'unknown')) {
		return { action: 'use', state };
	}

	if (status?.reconnect) {
		// A token that still works is used to the end; nothing will renew it.
		return usable ? { action: 'use', state } : { action: 'reconnect', message: status.reconnect.message, fix: status.reconnect.fix };
	}
	const via: 'refresh' | 'grant' = state?.refreshToken ? 'refresh' : 'grant';
	if (via === 'grant' && !canGrant) {
		return usable
			? { action: 'use', state }
			: {
				action: 'reconnect',
				message: 'The access token expired (or was rejected) and there is no refresh token to renew it with',
				fix: 'Reconnect the credential (press Connect again, or paste a new refresh token).',
			};
	}
	if (status?.backoff && status.backoff.until > now) {
		const { until, message, fix, transient } = status.backoff;
		return usable ? { action: 'use', state } : { action: 'backoff', until, message, fix, transient };
	}
	return usable ? { action: 'renewSoon', state, via } : { action: 'renew', via };
}

/** The pause after token endpoint failures (1 s doubling to a minute), or the server's Retry-After if longer. */
export function backoffUntil(now: number, failures: number, retryAfterSeconds?: number): number {
	return now + Math.max(exponentialBackoff(failures, 1_000, 60_000), (retryAfterSeconds ?? 0) * 1000);
}
