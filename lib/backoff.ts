/**
 * Exponential back-off with "equal jitter" (between half and all of base × 2^(n-1), capped): one
 * formula for retries of API requests and for the pause after token-endpoint failures.
 */
export function exponentialBackoff(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
	const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(full / 2 + (random() * full) / 2);
}
