/**
 * How long requests that carried a key's token lately took, from the token's hand-out to the
 * API's answer: the worst of the last 15 to 30 seconds, per token key, in this process. A token is
 * not handed out in that last stretch of its life (decision.ts), so a process that stalls (a busy
 * event loop, a slow network) does not deliver it expired. The answer comes after the API checked
 * the token, so the figure errs on the safe side; a stall raises it at once, and it falls back
 * once requests are quick again.
 */
const PERIOD_MS = 15_000;

interface Worst {
	/** When the current period began. */
	since: number;
	current: number;
	previous: number;
}

const worst = new Map<string, Worst>();

function rolled(entry: Worst | undefined, now: number): Worst {
	if (!entry || now - entry.since >= 2 * PERIOD_MS || now < entry.since) return { since: now, current: 0, previous: 0 };
	if (now - entry.since >= PERIOD_MS) return { since: now, current: 0, previous: entry.current };
	return entry;
}

export function recordTransit(key: string, ms: number, now: number): void {
	const entry = rolled(worst.get(key), now);
	entry.current = Math.max(entry.current, ms);
	worst.set(key, entry);
}

/** The longest recent transit of `key`'s requests (0 when none was recorded lately). */
export function recentTransit(key: string, now: number): number {
	const entry = worst.get(key);
	if (!entry) return 0;
	const current = rolled(entry, now);
	if (current !== entry) worst.set(key, current);
	return Math.max(current.current, current.previous);
}

/** Forgets every record (tests, beside the token cache). */
export function clearTransits(): void {
	worst.clear();
}
