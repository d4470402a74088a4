/**
 * The token manager's timing rules: renewal before expiry in the background (the item uses the
 * current token), the transit allowance (a token that would expire on its way is not handed out),
 * the lock's lease kept while a token request runs, and the process cache never going back to an
 * older token.
 */
import { clearTokenCache, whenIdle } from '../../lib/tokens/manager';
import { failure, HOUR, kit, rejectionOf, TestSource, tokenAged } from '../support/tokenManagerKit';

beforeEach(() => clearTokenCache());
afterEach(async () => await whenIdle());

/** 30 s left of an hour: usable, but past the refresh point (a minute, plus the 2-s skew, before expiry). */
const pastRefreshPoint = (now: number) => tokenAged('current', now, HOUR - 30_000, 'rt-current');

describe('renewal before expiry', () => {
	it('hands out the current token at once and renews in the background, holding the lock', async () => {
		const { tokens, source, store, clock } = kit();
		const current = pastRefreshPoint(clock.now());
		await store.setState(tokens.key, current);
		let answer: () => void = () => undefined;
		const answered = new Promise<void>((resolve) => (answer = resolve));
		source.refreshWith = async (_state, call) => {
			await answered;
			return source.issue('renewed', call.now());
		};
		let handedOut: unknown;
		let lockedMeanwhile: unknown;
		try {
			handedOut = await tokens.token({ deadline: clock.now() + 10_000 });
			// The renewal holds the lock: another process would wait for it.
			lockedMeanwhile = await store.tryLock(tokens.key, 1_000);
		} finally {
			answer();
		}
		expect(handedOut).toEqual({ state: current, source: 'store' });
		expect(source.refreshes).toEqual(['rt-current']);
		expect(lockedMeanwhile).toBeUndefined();
		await whenIdle();
		expect((await store.getState(tokens.key))?.accessToken).toBe('renewed-1');
		expect(store.releases).toBe(1);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toMatchObject({ source: 'cache', state: { accessToken: 'renewed-1' } });
	});

	it('a cached token past its refresh point is handed out while it is renewed in the background', async () => {
		const { tokens, source, clock } = kit();
		const first = await tokens.token({ deadline: clock.now() + 10_000 });
		clock.advance(HOUR - 30_000);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: first.state, source: 'store' });
		await whenIdle();
		expect(source.refreshes).toEqual(['rt-1']);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toMatchObject({ source: 'cache', state: { accessToken: 'refreshed-2' } });
	});

	it('an early renewal that finds, under the lock, nothing left to renew (the grant revoked meanwhile) ends quietly', async () => {
		const { tokens, source, store, clock, logger } = kit();
		await store.setState(tokens.key, pastRefreshPoint(clock.now()));
		store.afterLock = async () => {
			// Time passed while the lock was taken, and another process found the grant revoked.
			clock.advance(60_000);
			await store.setStatus(tokens.key, { reconnect: { at: clock.now(), message: 'revoked', fix: 'reconnect' } });
		};
		// The item's token expired meanwhile too: it fails with the news; the renewal says nothing more.
		expect((await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }))).message).toBe('revoked');
		await whenIdle();
		expect(source.refreshes).toEqual([]);
		expect(logger.warnings).toEqual([]);
		expect(store.releases).toBe(1);
	});

	it('leaves the renewal to the process holding the lock', async () => {
		const { tokens, source, store, clock } = kit();
		const current = pastRefreshPoint(clock.now());
		await store.setState(tokens.key, current);
		await store.tryLock(tokens.key, 60_000);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: current, source: 'store' });
		await whenIdle();
		expect(source.refreshes).toEqual([]);
	});

	it('a failed early renewal is logged, recorded, and the current token used until it expires', async () => {
		const { tokens, source, store, clock, logger } = kit();
		const current = pastRefreshPoint(clock.now());
		await store.setState(tokens.key, current);
		source.refreshWith = async () => {
			throw failure('HTTP 503 from the token endpoint', { status: 503 });
		};
		await tokens.token({ deadline: clock.now() + 10_000 });
		await whenIdle();
		expect(logger.warnings).toEqual(['API Auth: renewing the token before expiry failed; the current token is used until it expires. HTTP 503 from the token endpoint']);
		expect(await store.getState(tokens.key)).toEqual(current);
		expect((await store.getStatus(tokens.key))?.backoff?.failures).toBe(1);
		expect(store.releases).toBe(1);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toEqual({ state: current, source: 'store' });
		await whenIdle();
		expect(source.refreshes).toHaveLength(1);
	});

	it('a revoked grant found by the early renewal is logged with its own message', async () => {
		const { tokens, source, store, clock, logger } = kit({ source: new TestSource(false) });
		await store.setState(tokens.key, pastRefreshPoint(clock.now()));
		source.refreshWith = async () => {
			throw failure('invalid_grant', { status: 400, grantRevoked: true });
		};
		await tokens.token({ deadline: clock.now() + 10_000 });
		await whenIdle();
		expect(logger.warnings).toEqual(['API Auth: renewing the token before expiry failed; the current token is used until it expires. invalid_grant']);
	});

	it("another process's back-off found under the lock is waited for, not a reason to request", async () => {
		const { tokens, source, store, clock } = kit();
		store.afterLock = async () =>
			await store.setStatus(tokens.key, { backoff: { until: clock.now() + 5_000, failures: 3, message: 'invalid_client', fix: 'fix it', transient: false } });
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }));
		expect(error.message).toBe('invalid_client (no new token request for 5 s)');
		expect(source.obtains).toHaveLength(0);
		expect(store.releases).toBe(1);
	});
});

describe('the transit allowance', () => {
	it('a token that would expire on its way to the API is renewed before it is handed out', async () => {
		const { tokens, source, clock } = kit();
		await tokens.token({ deadline: clock.now() + 10_000 });
		// 70 s left: fresh, and handed out from the cache while requests are answered quickly.
		clock.advance(HOUR - 70_000);
		expect(await tokens.token({ deadline: clock.now() + 10_000 })).toMatchObject({ source: 'cache' });
		// Requests lately took 80 s to be answered: this token would reach the API expired.
		tokens.recordTransit(80_000);
		const next = await tokens.token({ deadline: clock.now() + 10_000 });
		expect(next).toMatchObject({ source: 'refreshed', state: { accessToken: 'refreshed-2' } });
		expect(source.refreshes).toEqual(['rt-1']);
	});

	it('a token that arrives slowly is handed out to the callers who waited for it, not held to the transit time', async () => {
		const { tokens, source, clock } = kit();
		// A 25-s token answered after 20 s: usable for 3 s more, but not if requests take 9 s
		// (capped at a fifth of its life, 5 s). Discarding it would only ask again, as slowly.
		source.obtainWith = async (call) => {
			const at = call.now();
			clock.advance(20_000);
			return { accessToken: 'slow', obtainedAt: at, expiresAt: at + 25_000, expirySource: 'expires_in' };
		};
		tokens.recordTransit(9_000);
		expect(await tokens.token({ deadline: clock.now() + 60_000 })).toMatchObject({ source: 'fetched', state: { accessToken: 'slow' } });
		expect(source.obtains).toHaveLength(1);
	});
});

describe('the lock lease', () => {
	it('is renewed while a token request runs, and no longer after it', async () => {
		const { tokens, source, store, clock } = kit({ deps: { leaseMs: 150 } });
		source.obtainWith = async (call) => {
			// Renewed every 50 ms (a third of the lease): two renewals come well within 400 ms.
			for (let waited = 0; store.renewals < 2 && waited < 400; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
			return source.issue('grant', call.now());
		};
		await tokens.token({ deadline: clock.now() + 10_000 });
		expect(store.renewals).toBeGreaterThanOrEqual(2);
		const after = store.renewals;
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(store.renewals).toBe(after);
	});

	it('a lost lease is logged', async () => {
		const { tokens, source, store, clock, logger } = kit({ deps: { leaseMs: 150 } });
		store.renewAnswer = false;
		source.obtainWith = async (call) => {
			for (let waited = 0; logger.warnings.length === 0 && waited < 400; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
			return source.issue('grant', call.now());
		};
		await tokens.token({ deadline: clock.now() + 10_000 });
		expect(logger.warnings[0]).toBe('API Auth: the token lock was lost while renewing (lease ran out)');
	});
});

describe('the process cache', () => {
	it('keeps the newer of two tokens: a token read later but obtained earlier does not replace it', async () => {
		const here = kit();
		const newer = await here.tokens.token({ deadline: here.clock.now() + 10_000 });
		// Another manager of the same credential (same key) whose store holds an older token.
		const there = kit({ source: here.source });
		const older = tokenAged('older', there.clock.now(), 1_000);
		await there.store.setState(there.tokens.key, older);
		expect(await there.tokens.token({ deadline: there.clock.now() + 10_000, rejected: newer.state.accessToken })).toEqual({ state: older, source: 'store' });
		expect(await here.tokens.token({ deadline: here.clock.now() + 10_000 })).toEqual({ state: newer.state, source: 'cache' });
	});

	it('takes a token obtained at the same moment in place of the one just rejected', async () => {
		const here = kit();
		const first = await here.tokens.token({ deadline: here.clock.now() + 10_000 });
		const there = kit({ source: here.source });
		const twin = tokenAged('twin', there.clock.now(), 0);
		await there.store.setState(there.tokens.key, twin);
		await there.tokens.token({ deadline: there.clock.now() + 10_000, rejected: first.state.accessToken });
		expect(await here.tokens.token({ deadline: here.clock.now() + 10_000 })).toEqual({ state: twin, source: 'cache' });
	});
});
