/**
 * Parts for unit tests of the token manager against its source (lib/tokens/manager.ts), fast
 * enough for mutation testing: a clock the test owns (sleeps return at once and move time on), a
 * token source whose answers each test scripts, and the real memory store with a record of what
 * the manager did to it.
 */
import type { Clock } from '../../lib/clock';
import { TokenRequestError } from '../../lib/errors';
import type { Logger } from '../../lib/services';
import { MemoryTokenStore } from '../../lib/stores/memoryStore';
import type { LockHandle, TokenState, TokenStatus } from '../../lib/stores/tokenStore';
import type { RefreshPolicy } from '../../lib/tokens/decision';
import { TokenManager, type TokenManagerDeps } from '../../lib/tokens/manager';
import type { TokenCall, TokenSource } from '../../lib/tokens/source';

export const HOUR = 3_600_000;
export const ENDPOINT = 'https://auth.example.test/token';
/** More sleeps or locks than any test needs: the manager is looping. */
const RUNAWAY = 1_000;

/** Time that moves only when the manager sleeps (by the wait) or the test advances it. */
export class TestClock implements Clock {
	current = 1_800_000_000_000;
	readonly sleeps: number[] = [];
	/** Runs at each sleep, after time moved on: lets a test act "meanwhile" (another process). */
	onSleep?: (count: number) => void | Promise<void>;

	now(): number {
		return this.current;
	}

	async sleep(ms: number): Promise<void> {
		// A broken rule can make the manager loop: fail fast rather than fill the memory.
		if (this.sleeps.length >= RUNAWAY) throw new Error(`runaway: more than ${RUNAWAY} sleeps`);
		this.sleeps.push(ms);
		this.current += Math.max(0, ms);
		await this.onSleep?.(this.sleeps.length);
		await new Promise((resolve) => setImmediate(resolve));
	}

	advance(ms: number): void {
		this.current += ms;
	}
}

let sources = 0;

/** A token source whose obtain and refresh answers the test sets; every call is recorded. */
export class TestSource implements TokenSource {
	readonly endpoint = ENDPOINT;
	readonly policy: RefreshPolicy = { refreshMarginMs: 60_000, refreshWindowShare: 0.1, clockSkewMs: 2_000 };
	readonly obtains: TokenCall[] = [];
	readonly refreshes: string[] = [];
	/** Each test gets its own key: the manager's cache and flights are per process. */
	private readonly id = ++sources;
	private issued = 0;
	seed?: (now: number) => TokenState | undefined;
	obtainWith: (call: TokenCall) => Promise<TokenState> = async (call) => this.issue('grant', call.now());
	refreshWith: (state: TokenState & { refreshToken: string }, call: TokenCall) => Promise<TokenState> = async (_state, call) => this.issue('refreshed', call.now());

	constructor(
		readonly canObtain = true,
		readonly retryUnknownOutcome = false,
	) {}

	identity(): Record<string, unknown> {
		return { test: this.id };
	}

	/** A new hour-long token with a refresh token, named by how it was had and a counter. */
	issue(how: string, now: number): TokenState {
		this.issued++;
		return { accessToken: `${how}-${this.issued}`, refreshToken: `rt-${this.issued}`, obtainedAt: now, expiresAt: now + HOUR, expirySource: 'expires_in' };
	}

	async obtain(call: TokenCall): Promise<TokenState> {
		this.obtains.push(call);
		return await this.obtainWith(call);
	}

	async refresh(state: TokenState & { refreshToken: string }, call: TokenCall): Promise<TokenState> {
		this.refreshes.push(state.refreshToken);
		return await this.refreshWith(state, call);
	}
}

/** The real memory store, recording status writes and lock use. */
export class RecordingStore extends MemoryTokenStore {
	readonly statusWrites: Array<TokenStatus | undefined> = [];
	lockGrants = 0;
	releases = 0;
	renewals = 0;
	/** What the lock's renew answers (false: the lease ran out and another process took it). */
	renewAnswer = true;
	/** Runs once the manager holds the lock (another process writing just before, say). */
	afterLock?: () => Promise<void>;
	failStatusWrites = false;
	/** Every caller gets the lock, as if each ran on a host of its own: only the single flight is left. */
	everyLockFree = false;

	override async setStatus(key: string, status: TokenStatus | undefined): Promise<void> {
		if (this.failStatusWrites) throw new Error('store unreachable');
		this.statusWrites.push(status);
		await super.setStatus(key, status);
	}

	override async tryLock(key: string, leaseMs: number): Promise<LockHandle | undefined> {
		const lock = this.everyLockFree ? { renew: async () => true, release: async () => undefined } : await super.tryLock(key, leaseMs);
		if (!lock) return undefined;
		if (++this.lockGrants > RUNAWAY) throw new Error(`runaway: more than ${RUNAWAY} locks`);
		await this.afterLock?.();
		return {
			renew: async () => {
				this.renewals++;
				return (await lock.renew()) && this.renewAnswer;
			},
			release: async () => {
				this.releases++;
				await lock.release();
			},
		};
	}
}

export function recordingLogger(): Logger & { warnings: string[]; infos: string[] } {
	const warnings: string[] = [];
	const infos: string[] = [];
	return { warnings, infos, debug: () => undefined, info: (m) => void infos.push(m), warn: (m) => void warnings.push(m), error: () => undefined };
}

/** An hour-long token obtained `age` ms before `now`. */
export function tokenAged(name: string, now: number, age: number, refreshToken?: string): TokenState {
	return { accessToken: name, refreshToken, obtainedAt: now - age, expiresAt: now - age + HOUR, expirySource: 'expires_in' };
}

export function failure(message: string, opts: Partial<ConstructorParameters<typeof TokenRequestError>[1]> = {}): TokenRequestError {
	return new TokenRequestError(message, { endpoint: ENDPOINT, fix: 'the fix', ...opts });
}

export interface Kit {
	clock: TestClock;
	source: TestSource;
	store: RecordingStore;
	logger: ReturnType<typeof recordingLogger>;
	tokens: TokenManager;
	seen: TokenState[];
}

export function kit(options: { source?: TestSource; deps?: Partial<TokenManagerDeps> } = {}): Kit {
	const clock = new TestClock();
	const source = options.source ?? new TestSource();
	const store = new RecordingStore();
	const logger = recordingLogger();
	const seen: TokenState[] = [];
	const tokens = new TokenManager(source, {
		store,
		clock,
		logger,
		agent: undefined as unknown as TokenCall['agent'],
		leaseMs: 10_000,
		pollMs: 100,
		tokenTimeoutMs: 5_000,
		onToken: (state) => void seen.push(state),
		...options.deps,
	});
	return { clock, source, store, logger, tokens, seen };
}

/** The rejection of `promise`, or a failure saying that it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<TokenRequestError> {
	return await promise.then(
		(value) => {
			throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
		},
		(error: unknown) => error as TokenRequestError,
	);
}
