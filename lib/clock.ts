/**
 * Time, behind a seam: the token lifecycle and retry back-off read the clock and sleep through it,
 * so tests (and the benchmarks) can drive expiry and Retry-After without waiting.
 */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

let active: Clock = systemClock;

export function clock(): Clock {
	return active;
}

/** Replaces the clock (tests); returns a function that restores the system clock. */
export function useClock(replacement: Clock): () => void {
	active = replacement;
	return () => {
		active = systemClock;
	};
}
