/**
 * What the token manager says when it cannot hand out a token, and how a failed token request
 * is recorded: pure functions of the failure, the status record and the clock.
 */
import { TokenRequestError } from '../errors';
import type { TokenStatus } from '../stores/tokenStore';
import { backoffUntil } from './decision';

/** Any failure of a token request as a TokenRequestError naming the endpoint. */
export function asTokenError(error: unknown, endpoint: string): TokenRequestError {
	if (error instanceof TokenRequestError) return error;
	return new TokenRequestError(`Token request to ${endpoint} failed: ${(error as Error).message}`, { endpoint, fix: 'Check the token settings of the credential.' });
}

/**
 * The status record after a failed token request (the token state is never touched), and whether
 * waiting items may wait out its back-off rather than fail at once.
 */
export function statusAfterFailure(error: TokenRequestError, status: TokenStatus | undefined, via: 'refresh' | 'grant', now: number): { status: TokenStatus; transient: boolean } {
	if (error.grantRevoked) return { status: { reconnect: { at: now, message: error.message, fix: error.fix } }, transient: false };
	const failures = (status?.backoff?.failures ?? 0) + 1;
	// After a refresh whose answer was lost the refresh token may be used up: the items at hand fail
	// with that, and only a later attempt, after the back-off, sends the refresh again.
	const lostRefresh = error.outcomeUnknown && via === 'refresh';
	// A request that never reached the server (refused, DNS, TLS) is a configuration problem far
	// more often than an outage: the items fail at once rather than wait out their timeout.
	const transient = !lostRefresh && (error.outcomeUnknown || error.status === 429 || (error.status ?? 0) >= 500);
	const until = backoffUntil(now, failures, error.retryAfterSeconds);
	return { status: { backoff: { until, failures, message: error.message, fix: error.fix, transient } }, transient };
}

export function reconnectError(endpoint: string, message: string, fix: string): TokenRequestError {
	return new TokenRequestError(message, { endpoint, fix, grantRevoked: true });
}

export function backoffError(endpoint: string, backoff: { until: number; message: string; fix: string }, now: number): TokenRequestError {
	const seconds = Math.ceil((backoff.until - now) / 1000);
	return new TokenRequestError(`${backoff.message} (no new token request for ${seconds} s)`, { endpoint, fix: backoff.fix });
}

/**
 * An item stopped waiting while a token request was under way. When the previous attempt failed
 * (its back-off is on record), that failure is the news: a 503 storm reads as a 503, not as slowness.
 */
export function inProgressError(
	endpoint: string,
	kind: 'request' | 'refresh',
	waitedMs: number,
	where: 'here' | 'elsewhere',
	lastFailure?: { message: string; fix: string },
): TokenRequestError {
	const seconds = Math.round(waitedMs / 1000);
	const elsewhere = where === 'elsewhere' ? ' in another process' : '';
	if (lastFailure) {
		return new TokenRequestError(`${lastFailure.message}; a new attempt was still under way${elsewhere} when this item stopped waiting after ${seconds} s`, {
			endpoint,
			fix: lastFailure.fix,
		});
	}
	return new TokenRequestError(`Token ${kind} to ${endpoint} still in progress${elsewhere} after ${seconds} s`, {
		endpoint,
		fix: 'The token endpoint is slow. Raise the node\'s Timeout option, or run the workflow again: it will use the token once it arrives.',
	});
}

/** A refresh was sent, its answer never came: not repeated blindly (see manager.ts). */
export function unknownOutcomeError(error: TokenRequestError): TokenRequestError {
	return new TokenRequestError(`${error.message}. The refresh may have gone through without the answer arriving, so it is not sent again blindly`, {
		endpoint: error.endpoint,
		fix: 'Retry later: the next attempt uses the same refresh token. If the provider rotated it meanwhile, reconnect the credential. Providers that allow repeating a refresh can turn on Retry Refresh After Unknown Outcome.',
		outcomeUnknown: true,
	});
}

/** The refresh token was refused after a refresh by a process that died: say what happened. */
export function interruptedRefreshError(error: TokenRequestError, secondsAgo: number): TokenRequestError {
	return new TokenRequestError(
		`${error.message}. A refresh sent ${secondsAgo} s earlier by another n8n process never finished (the process stopped while waiting for the token endpoint); the provider had most likely already replaced the refresh token`,
		{ endpoint: error.endpoint, status: error.status, oauthError: error.oauthError, oauthErrorDescription: error.oauthErrorDescription, fix: error.fix, grantRevoked: true },
	);
}
