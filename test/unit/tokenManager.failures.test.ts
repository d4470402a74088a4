/**
 * The token manager after failed token requests: the back-off items wait out or fail fast on,
 * Retry-After, a revoked grant remembered (reconnect needed) or replaced by a full grant, a
 * refresh whose answer was lost (with "Retry Refresh After Unknown Outcome" off and on), and
 * good stored token state never overwritten by a failure.
 */
import { clearTokenCache, whenIdle } from '../../lib/tokens/manager';
import { failure, HOUR, kit, rejectionOf, TestSource, tokenAged } from '../support/tokenManagerKit';

beforeEach(() => clearTokenCache());
afterEach(async () => await whenIdle());

const unavailable = () => failure('HTTP 503 from the token endpoint', { status: 503 });

describe('back-off', () => {
	it('items wait out the back-off after a 503, then the next request serves them and clears the record', async () => {
		const { tokens, source, store, clock } = kit();
		source.obtainWith = async (call) => {
			if (source.obtains.length === 1) throw unavailable();
			return source.issue('grant', call.now());
		};
		const result = await tokens.token({ deadline: clock.now() + 30_000 });
		expect(result.source).toBe('fetched');
		expect(source.obtains).toHaveLength(2);
		// The first back-off: between half a second and a second (jitter).
		expect(clock.sleeps).toHaveLength(1);
		expect(clock.sleeps[0]).toBeGreaterThanOrEqual(500);
		expect(clock.sleeps[0]).toBeLessThanOrEqual(1_000);
		expect(store.statusWrites.map((s) => s?.backoff?.failures)).toStrictEqual([1, undefined]);
		expect(await store.getStatus(tokens.key)).toBeUndefined();
	});

	it("fails at once when the back-off outlasts the caller's deadline", async () => {
		const { tokens, source, clock } = kit();
		source.obtainWith = async () => {
			throw unavailable();
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 400 }));
		expect(error.message).toBe('HTTP 503 from the token endpoint (no new token request for 1 s)');
		expect(error.fix).toBe('the fix');
		expect(source.obtains).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
	});

	it('a back-off ending exactly at the deadline is not waited for', async () => {
		const { tokens, source, store, clock } = kit();
		const until = clock.now() + 1_000;
		await store.setStatus(tokens.key, { backoff: { until, failures: 1, message: 'HTTP 503', fix: 'wait', transient: true } });
		const error = await rejectionOf(tokens.token({ deadline: until }));
		expect(error.message).toBe('HTTP 503 (no new token request for 1 s)');
		expect(clock.sleeps).toEqual([]);
		expect(source.obtains).toHaveLength(0);
	});

	it("honours the server's Retry-After when it is longer than the back-off", async () => {
		const { tokens, source, store, clock } = kit();
		const started = clock.now();
		source.obtainWith = async () => {
			throw failure('HTTP 429 from the token endpoint', { status: 429, retryAfterSeconds: 30 });
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }));
		expect(error.message).toBe('HTTP 429 from the token endpoint (no new token request for 30 s)');
		expect((await store.getStatus(tokens.key))?.backoff).toMatchObject({ until: started + 30_000, failures: 1, transient: true });
	});

	it('a permanent failure (invalid_client) fails the item at once, and later items fast until the back-off ends', async () => {
		const { tokens, source, store, clock } = kit();
		source.obtainWith = async () => {
			throw failure('invalid_client: client authentication failed', { status: 401, oauthError: 'invalid_client' });
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }));
		expect(error.message).toBe('invalid_client: client authentication failed');
		expect((await store.getStatus(tokens.key))?.backoff).toMatchObject({ failures: 1, transient: false });
		const fast = await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }));
		expect(fast.message).toBe('invalid_client: client authentication failed (no new token request for 1 s)');
		expect(source.obtains).toHaveLength(1);
		clock.advance(1_000);
		await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }));
		expect(source.obtains).toHaveLength(2);
		expect((await store.getStatus(tokens.key))?.backoff?.failures).toBe(2);
	});

	it('any other error becomes a token error naming the endpoint, recorded like the others', async () => {
		const { tokens, source, store, clock } = kit();
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		source.refreshWith = async () => {
			throw new Error('socket hang up');
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }));
		expect(error.message).toBe('Token request to https://auth.example.test/token failed: socket hang up');
		expect((await store.getStatus(tokens.key))?.backoff?.message).toBe(error.message);
	});

	it('a failure the store cannot record is logged and fails the item rather than have it wait', async () => {
		const { tokens, source, store, clock, logger } = kit();
		store.failStatusWrites = true;
		source.obtainWith = async () => {
			throw unavailable();
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }));
		expect(error.message).toBe('HTTP 503 from the token endpoint');
		expect(source.obtains).toHaveLength(1);
		expect(logger.warnings).toEqual(['API Auth: could not record the token failure: store unreachable']);
	});
});

describe('good token state is never overwritten by a failure', () => {
	it('a failed refresh leaves the stored token and refresh token as they were', async () => {
		const { tokens, source, store, clock } = kit();
		const stored = tokenAged('expired', clock.now(), HOUR, 'rt-old');
		await store.setState(tokens.key, stored);
		source.refreshWith = async () => {
			throw unavailable();
		};
		await rejectionOf(tokens.token({ deadline: clock.now() + 400 }));
		expect(await store.getState(tokens.key)).toEqual(stored);
	});
});

describe('the refresh token', () => {
	it('marks a refresh as under way while it runs, and clears the mark with the new token', async () => {
		const { tokens, source, store, clock } = kit();
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		let during: unknown;
		source.refreshWith = async (_state, call) => {
			during = await store.getStatus(tokens.key);
			return source.issue('refreshed', call.now());
		};
		const started = clock.now();
		const result = await tokens.token({ deadline: clock.now() + 10_000 });
		expect(result.source).toBe('refreshed');
		expect(source.refreshes).toEqual(['rt-old']);
		expect(during).toEqual({ refreshing: { at: started } });
		expect(await store.getStatus(tokens.key)).toBeUndefined();
		expect(await store.getState(tokens.key)).toEqual(result.state);
	});

	it('a revoked grant is remembered: later items fail fast with "reconnect" and no request', async () => {
		const { tokens, source, store, clock } = kit({ source: new TestSource(false) });
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		source.refreshWith = async () => {
			throw failure('invalid_grant: refresh token revoked', { status: 400, grantRevoked: true });
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }));
		expect(error.message).toBe('invalid_grant: refresh token revoked');
		expect((await store.getStatus(tokens.key))?.reconnect).toMatchObject({ message: 'invalid_grant: refresh token revoked', fix: 'the fix' });
		const again = await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }));
		expect(again).toMatchObject({ message: 'invalid_grant: refresh token revoked', grantRevoked: true });
		expect(source.refreshes).toHaveLength(1);
	});

	it('a refresh token refused after another process died mid-refresh says what most likely happened', async () => {
		const { tokens, source, store, clock } = kit({ source: new TestSource(false) });
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		await store.setStatus(tokens.key, { refreshing: { at: clock.now() - 30_000 } });
		source.refreshWith = async () => {
			throw failure('invalid_grant', { status: 400, grantRevoked: true });
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 10_000 }));
		expect(error.message).toContain('invalid_grant. A refresh sent 30 s earlier by another n8n process never finished');
		expect(error.grantRevoked).toBe(true);
	});

	it('client credentials and password fall back to a full grant when the refresh token is refused', async () => {
		const { tokens, source, store, clock, logger } = kit({ source: new TestSource(true) });
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		source.refreshWith = async () => {
			throw failure('invalid_grant', { status: 400, grantRevoked: true });
		};
		const result = await tokens.token({ deadline: clock.now() + 10_000 });
		expect(result).toMatchObject({ source: 'fetched', state: { accessToken: 'grant-1' } });
		expect(source.obtains).toHaveLength(1);
		expect(logger.infos).toEqual(['API Auth: the refresh token was rejected; requesting a new token with the grant']);
		expect(await store.getState(tokens.key)).toEqual(result.state);
		expect(await store.getStatus(tokens.key)).toBeUndefined();
	});
});

describe('a refresh whose answer was lost', () => {
	const lost = () => failure('The token endpoint did not answer within 5 s', { outcomeUnknown: true });

	it('is not sent again (Retry Refresh After Unknown Outcome off): the item fails saying why, later items fast', async () => {
		const { tokens, source, store, clock, logger } = kit();
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		source.refreshWith = async () => {
			throw lost();
		};
		const error = await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }));
		expect(error.message).toBe('The token endpoint did not answer within 5 s. The refresh may have gone through without the answer arriving, so it is not sent again blindly');
		expect(error.outcomeUnknown).toBe(true);
		expect((await store.getStatus(tokens.key))?.backoff?.transient).toBe(false);
		await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }));
		expect(source.refreshes).toEqual(['rt-old']);
		expect(source.obtains).toHaveLength(0);
		expect(logger.warnings).toEqual([]);
	});

	it('uses the token another process stored meanwhile with a new refresh token', async () => {
		const { tokens, source, store, clock } = kit();
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		const theirs = tokenAged('theirs', clock.now(), 0, 'rt-theirs');
		source.refreshWith = async () => {
			await store.setState(tokens.key, theirs);
			throw lost();
		};
		expect(await tokens.token({ deadline: clock.now() + 30_000 })).toEqual({ state: theirs, source: 'store' });
	});

	it('does not take a stored token that carries the same refresh token for news', async () => {
		const { tokens, source, store, clock } = kit();
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		source.refreshWith = async () => {
			await store.setState(tokens.key, tokenAged('same-grant', clock.now(), 0, 'rt-old'));
			throw lost();
		};
		expect((await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }))).outcomeUnknown).toBe(true);
	});

	it('does not take a stored token that is no longer usable', async () => {
		const { tokens, source, store, clock } = kit();
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		source.refreshWith = async () => {
			await store.setState(tokens.key, tokenAged('also-expired', clock.now(), HOUR, 'rt-other'));
			throw lost();
		};
		expect((await rejectionOf(tokens.token({ deadline: clock.now() + 30_000 }))).outcomeUnknown).toBe(true);
	});

	it('is sent once more with the same refresh token when Retry Refresh After Unknown Outcome is on', async () => {
		const { tokens, source, store, clock, logger } = kit({ source: new TestSource(true, true) });
		await store.setState(tokens.key, tokenAged('expired', clock.now(), HOUR, 'rt-old'));
		source.refreshWith = async (_state, call) => {
			if (source.refreshes.length === 1) throw lost();
			return source.issue('refreshed', call.now());
		};
		const result = await tokens.token({ deadline: clock.now() + 30_000 });
		expect(result).toMatchObject({ source: 'refreshed', state: { accessToken: 'refreshed-1' } });
		expect(source.refreshes).toEqual(['rt-old', 'rt-old']);
		expect(logger.warnings).toEqual(['API Auth: the refresh answer was lost; sending the same refresh once more (Retry Refresh After Unknown Outcome is on)']);
		expect(await store.getState(tokens.key)).toEqual(result.state);
		expect(await store.getStatus(tokens.key)).toBeUndefined();
	});
});
