/**
 * The built modules the engine loads. Module state (the clock seam, token cache, chosen store)
 * must be reached through these, not through the TypeScript sources, which jest loads as
 * separate module instances.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as ClockModule from '../../lib/clock';
import type * as AgentsModule from '../../lib/transport/agents';
import type * as SelectStoreModule from '../../lib/stores/selectStore';
import type * as TokenManagerModule from '../../lib/tokens/manager';
import { assertBuildIsFresh } from './builtPackage';

assertBuildIsFresh();

const dist = (path: string): unknown => require(join(__dirname, '..', '..', 'dist', 'lib', path));

export const distClock = dist('clock') as typeof ClockModule;
export const distAgents = dist('transport/agents') as typeof AgentsModule;
export const distStore = dist('stores/selectStore') as typeof SelectStoreModule;
export const distTokens = dist('tokens/manager') as typeof TokenManagerModule;

/** A clock the test moves: now() is real time plus an offset the test adds to. */
export function offsetClock(): { advance(ms: number): void; restore(): void } {
	let offset = 0;
	const restore = distClock.useClock({
		now: () => Date.now() + offset,
		sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
	});
	return {
		advance: (ms) => {
			offset += ms;
		},
		restore,
	};
}

/** Fresh token cache and an empty token store between tests. */
export async function resetTokenState(): Promise<void> {
	// Token requests can outlive the run that started them (renewals in the background).
	await distTokens.whenIdle();
	distTokens.clearTokenCache();
	await distStore.resetTokenStore();
	rmSync(distStore.tokenStoreDir(), { recursive: true, force: true });
}

/**
 * A clock whose sleep returns at once and moves time on by the wait: every wait the built code
 * makes (retry back-off, Retry-After) is recorded, and no test waits for it in wall time.
 */
export function recordingClock(): { waits: number[]; now(): number; restore(): void } {
	let offset = 0;
	const waits: number[] = [];
	const now = (): number => Date.now() + offset;
	const restore = distClock.useClock({
		now,
		sleep: (ms) => {
			waits.push(ms);
			offset += Math.max(0, ms);
			return new Promise((resolve) => setImmediate(resolve));
		},
	});
	return { waits, now, restore };
}
