/**
 * The token manager's ways to a token without a token request, and its coordination: the
 * process cache, the store, the credential's own token, the in-process single flight, the store
 * lock with its re-read, and waiting for another holder within the caller's deadline.
 * (test/support/tokenManagerKit.ts: a clock the test owns, a scripted source, the memory store.)
 */
import type { TokenState } from '../../lib/stores/tokenStore';
import { clearTokenCache, whenIdle } from '../../lib/tokens/manager';
import { HOUR, kit, rejectionOf, TestSource, tokenAged } from '../support/tokenManagerKit';

/** Token requests the test holds unanswered: answered after each test, so that a failed test leaves none behind. */
const unanswered: Array<() => void> = [];

beforeEach(() => clearTokenCache());
afterEach(async () => {
	unanswered.splice(0).forEach((answer) => answer());
	await whenIdle();
});

describe('without a token request', () => {
	it('hands out the cached token while it is fresh, then renews past its refresh point', async () => {
		const { tokens, source, store, clock } = kit();
		const first = await tokens.token({ deadline: clock.now() + 10_000 });
		expect(first.source).toBe('fetched');
		// A success with no status on record writes none.
		expect(store.statusWrites).toHaveLength(0);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: first.state, source: 'cache' });
		expect(source.obtains).toHaveLength(1);
		// Past the expiry less the skew allowance: not handed out; renewed with its refresh token.
		clock.advance(HOUR - 1_000);
		const next = await tokens.token({ deadline: clock.now() + 10_000 });
		expect(next.source).toBe('refreshed');
		expect(source.refreshes).toEqual([first.state.refreshToken]);
	});

	it('uses a fresh stored token (another process obtained it), tells redaction, and caches it', async () => {
		const { tokens, source, store, clock, seen } = kit();
		const stored = tokenAged('stored', clock.now(), 60_000, 'rt-stored');
		await store.setState(tokens.key, stored);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: stored, source: 'store' });
		expect(seen).toEqual([stored]);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: stored, source: 'cache' });
		expect(source.obtains).toHaveLength(0);
	});

	it("uses the credential's own token while the store has none, and the store's once it has one", async () => {
		const { tokens, source, store, clock } = kit();
		const pasted = tokenAged('pasted', clock.now(), 0, 'rt-pasted');
		source.seed = () => pasted;
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: pasted, source: 'credential' });
		clearTokenCache();
		const stored = tokenAged('stored', clock.now(), 0);
		await store.setState(tokens.key, stored);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: stored, source: 'store' });
		expect(source.obtains).toHaveLength(0);
	});

	it('forgets cached tokens and transit records on clearTokenCache (the store keeps them)', async () => {
		const { tokens, store, clock } = kit();
		// 70 s left: fresh, and usable unless requests take longer than 68 s to be answered.
		const stored = tokenAged('stored', clock.now(), HOUR - 70_000);
		await store.setState(tokens.key, stored);
		await tokens.token({ deadline: clock.now() + 10_000 });
		tokens.recordTransit(80_000);
		clearTokenCache();
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: stored, source: 'store' });
	});
});

describe('in-process single flight', () => {
	it('concurrent callers share one token request even when the store grants every lock', async () => {
		const { tokens, source, store, clock } = kit();
		store.everyLockFree = true;
		const results = await Promise.all(Array.from({ length: 10 }, () => tokens.token({ deadline: clock.now() + 10_000 })));
		expect(source.obtains).toHaveLength(1);
		expect(store.lockGrants).toBe(1);
		expect(new Set(results.map((r) => r.state.accessToken))).toEqual(new Set(['grant-1']));
		expect(results.every((r) => r.source === 'fetched')).toBe(true);
	});

	it("a caller's wait for the flight leaves no timer behind once the token came (its time limit is cleared)", async () => {
		const { tokens, clock } = kit();
		const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
		const before = timers();
		await Promise.all(Array.from({ length: 3 }, () => tokens.token({ deadline: clock.now() + 60_000 })));
		expect(timers()).toBe(before);
	});

	it('a token the API rejected is not handed out again: a new one is requested', async () => {
		const { tokens, clock } = kit();
		const first = await tokens.token({ deadline: clock.now() + 10_000 });
		const next = await tokens.token({ deadline: clock.now() + 10_000, rejected: first.state.accessToken });
		expect(next.source).toBe('refreshed');
		expect(next.state.accessToken).not.toBe(first.state.accessToken);
	});

	it('gives up after three token requests that each bring back the rejected token', async () => {
		const { tokens, source, clock } = kit();
		const same: TokenState = tokenAged('same', clock.now(), 0);
		source.obtainWith = async () => same;
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 10_000, rejected: 'same' }));
		expect(error.message).toBe('The API rejected every token obtained from https://auth.example.test/token');
		expect(error.fix).toContain('Token Expired Status Codes');
		expect(source.obtains).toHaveLength(3);
	});
});

describe('the store lock', () => {
	it('re-reads the store under the lock: a token another process stored just before is used, not requested again', async () => {
		const { tokens, source, store, clock } = kit();
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR));
		const meanwhile = tokenAged('meanwhile', clock.now(), 0);
		store.afterLock = async () => await store.setState(tokens.key, meanwhile);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: meanwhile, source: 'store' });
		expect(source.obtains).toHaveLength(0);
		expect(store.releases).toBe(1);
	});

	it('releases the lock after a failed request too', async () => {
		const { tokens, source, store, clock } = kit();
		source.obtainWith = async () => {
			throw new Error('refused');
		};
		await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }));
		expect(store.releases).toBe(1);
		expect(await store.tryLock(tokens.key, 1_000)).toBeDefined();
	});

	it("waits for another holder's token, re-reading the store every poll, and never requests one itself", async () => {
		const { tokens, source, store, clock } = kit();
		await store.tryLock(tokens.key, 60_000);
		const theirs = tokenAged('theirs', clock.now() + 300, 0);
		clock.onSleep = async (count) => {
			if (count === 3) await store.setState(tokens.key, theirs);
		};
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: theirs, source: 'store' });
		expect(clock.sleeps).toEqual([100, 100, 100]);
		expect(source.obtains).toHaveLength(0);
	});

	it("stops waiting for another holder before the caller's deadline, saying the request runs elsewhere", async () => {
		const { tokens, source, store, clock } = kit({ source: new TestSource(false) });
		await store.tryLock(tokens.key, 60_000);
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 1_000 }));
		// Polls at 0, 100 … 800 ms; at 900 the next poll would reach the deadline.
		expect(clock.sleeps).toHaveLength(9);
		expect(error.message).toBe('Token refresh to https://auth.example.test/token still in progress in another process after 1 s');
		expect(error.fix).toContain("Raise the node's Timeout option");
		expect(source.refreshes).toHaveLength(0);
	});

	it('when the previous attempt failed, the wait ends with that failure as the news', async () => {
		const { tokens, store, clock } = kit();
		await store.tryLock(tokens.key, 60_000);
		await store.setStatus(tokens.key, { backoff: { until: clock.now() - 1, failures: 1, message: 'HTTP 503 from the token endpoint', fix: 'wait', transient: true } });
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 250 }));
		expect(error.message).toBe('HTTP 503 from the token endpoint; a new attempt was still under way in another process when this item stopped waiting after 0 s');
		expect(error.fix).toBe('wait');
	});
});

describe("the caller's deadline", () => {
	/** A source whose token request answers only when the test says. */
	function held(source: TestSource): () => void {
		let answer: () => void = () => undefined;
		const answered = new Promise<void>((resolve) => (answer = resolve));
		source.obtainWith = async (call) => {
			await answered;
			return source.issue('late', call.now());
		};
		unanswered.push(answer);
		return answer;
	}

	it('an item stops waiting at its deadline (after at least a second); the request goes on and stores its token', async () => {
		const { tokens, source, store, clock } = kit();
		const answer = held(source);
		const error = await rejectionOf(tokens.token({ deadline: clock.now() }));
		expect(error.message).toBe('Token request to https://auth.example.test/token still in progress after 0 s');
		// The lease (10 s) is renewed every third of it: not within this second.
		const renewals = store.renewals;
		answer();
		await whenIdle();
		expect((await store.getState(tokens.key))?.accessToken).toBe('late-1');
		expect(renewals).toBe(0);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toMatchObject({ source: 'cache' });
	});

	it('a request answering within the first second still serves an item whose deadline has passed', async () => {
		const { tokens, source, clock } = kit();
		const answer = held(source);
		setTimeout(answer, 50);
		expect(await tokens.token({ deadline: clock.now() - 5_000 })).toMatchObject({ source: 'fetched' });
	});

	it('a token request may take the longer of the token timeout and the time left to the deadline', async () => {
		const { tokens, source, clock } = kit();
		await tokens.token({ deadline: clock.now() + 30_000 });
		clearTokenCache();
		const other = kit();
		await other.tokens.token({ deadline: other.clock.now() + 1_000 });
		expect(source.obtains[0].timeoutMs).toBe(30_000);
		expect(other.source.obtains[0].timeoutMs).toBe(5_000);
		expect(source.obtains[0].now()).toBe(clock.now());
	});
});
