/**
 * Retries around one exchange. Each attempt goes through the exchange again, so a token renewed
 * meanwhile (by this item or another) is applied to the retry.
 *
 * What is retried:
 *   - idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE): 429, 5xx except 501/505, and
 *     network failures (refused, reset, timed out, DNS not answering);
 *   - POST and PATCH: only when the server did not act on the request: 429 and 503 (it refused
 *     to process it), and connection failures before anything was sent (refused, DNS).
 *     A reset or timeout after sending may have created the order already, so it is not repeated.
 * Waits: Retry-After (seconds or HTTP date) when the server sends it, else exponential back-off
 * with jitter. A wait longer than the maximum stops retrying: the last answer is what the node reports.
 */
import { clock } from '../clock';
import { exponentialBackoff } from '../backoff';
import { TransportError } from '../errors';
import { responseHeader } from './headers';
import type { HttpResponse } from './types';

export interface RetryPolicy {
	/** Attempts in all, the first included; 1 turns retries off. */
	maxAttempts: number;
	/** Wait before the first retry; doubled for each further one. */
	baseDelayMs: number;
	/** Longest wait before a retry, Retry-After included. */
	maxWaitMs: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const NOT_TRANSIENT_5XX = new Set([501, 505]);
/** Network failures worth another attempt; TLS and certificate failures are not among them. */
const TRANSIENT_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_PROXY_UNREACHABLE',
]);

export function isRetryableStatus(status: number, method: string): boolean {
	if (IDEMPOTENT.has(method)) return status === 429 || (status >= 500 && status < 600 && !NOT_TRANSIENT_5XX.has(status));
	return status === 429 || status === 503;
}

export function isRetryableError(error: unknown, method: string): boolean {
	if (!(error instanceof TransportError) || !TRANSIENT_CODES.has(error.code)) return false;
	return IDEMPOTENT.has(method) || !error.maybeDelivered;
}

/** Retry-After → seconds from `now`: delta-seconds or an HTTP date (RFC 9110 10.2.3). */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
	if (!value) return undefined;
	const text = value.trim();
	// Numbers first: Date.parse would read "120" or "1.5" as a date.
	if (/^-?\d+(\.\d+)?$/.test(text)) return Math.max(0, Number(text));
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
	return exponentialBackoff(retry, policy.baseDelayMs, policy.maxWaitMs, random);
}

/**
 * The wait before retry number `retry` (1-based) after `response` (or a network error), or
 * undefined when the server asks for longer than the policy allows.
 */
export function retryDelay(retry: number, policy: RetryPolicy, response: HttpResponse | undefined, now: number, random?: () => number): number | undefined {
	const asked = response ? retryAfterSeconds(responseHeader(response.headers, 'retry-after'), now) : undefined;
	if (asked === undefined) return backoffDelay(retry, policy, random);
	const ms = Math.ceil(asked * 1000);
	return ms <= policy.maxWaitMs ? ms : undefined;
}

export interface RetryHooks {
	/** Called before each wait, e.g. to log it. */
	onRetry?(info: { attempt: number; waitMs: number; reason: string }): void;
}

export async function withRetries(method: string, policy: RetryPolicy, attempt: () => Promise<HttpResponse>, hooks: RetryHooks = {}): Promise<HttpResponse> {
	for (let made = 1; ; made++) {
		let response: HttpResponse;
		try {
			response = await attempt();
		} catch (error) {
			if (made >= policy.maxAttempts || !isRetryableError(error, method)) throw error;
			const waitMs = retryDelay(made, policy, undefined, clock().now()) as number;
			hooks.onRetry?.({ attempt: made, waitMs, reason: (error as TransportError).code });
			await clock().sleep(waitMs);
			continue;
		}
		if (made >= policy.maxAttempts || !isRetryableStatus(response.status, method)) return response;
		const waitMs = retryDelay(made, policy, response, clock().now());
		if (waitMs === undefined) return response;
		hooks.onRetry?.({ attempt: made, waitMs, reason: `HTTP ${response.status}` });
		await clock().sleep(waitMs);
	}
}
