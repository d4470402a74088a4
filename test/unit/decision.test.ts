import { backoffUntil, decide, isFresh, isUsable, refreshAt, usableUntil } from '../../lib/tokens/decision';
import type { TokenState } from '../../lib/stores/tokenStore';

const policy = { refreshMarginMs: 60_000, refreshWindowShare: 0.1 };
const hour = (obtainedAt: number, extra: Partial<TokenState> = {}): TokenState => ({
	accessToken: 'A',
	refreshToken: 'R',
	obtainedAt,
	expiresAt: obtainedAt + 3_600_000,
	expirySource: 'expires_in',
	...extra,
});

describe('refresh point', () => {
	it.each([
		['an hour-long token is renewed 60 s (+ 2 s skew) before expiry', 3_600_000, 3_538_000],
		['a 10-second token: 1 s window + 2 s skew', 10_000, 7_000],
		['a 5-minute token: min(60 s, 30 s) + 2 s before', 300_000, 268_000],
		['a 2-second token: the skew is capped at a fifth of the lifetime (0.4 s), window 0.2 s', 2_000, 1_400],
	])('%s', (_name, lifetime, expected) => {
		expect(refreshAt({ accessToken: 'a', obtainedAt: 0, expiresAt: lifetime, expirySource: 'expires_in' }, policy)).toBe(expected);
	});

	it('a token is not sent within the skew allowance of its expiry (configurable, also 0)', () => {
		const state: TokenState = { accessToken: 'a', obtainedAt: 0, expiresAt: 60_000, expirySource: 'jwt' };
		expect(usableUntil(state, policy)).toBe(58_000);
		expect(isUsable(state, 58_500, policy)).toBe(false);
		expect(isUsable(state, 58_500, { ...policy, clockSkewMs: 0 })).toBe(true);
		expect(usableUntil(state, { ...policy, clockSkewMs: 5_000 })).toBe(55_000);
	});

	it('a token is not handed out once the recent transit time would take it past that point (capped at a fifth of its life)', () => {
		const minute: TokenState = { accessToken: 'a', obtainedAt: 0, expiresAt: 60_000, expirySource: 'jwt' };
		expect(isUsable(minute, 57_600, { ...policy, transitMs: 300 })).toBe(true);
		expect(isUsable(minute, 57_800, { ...policy, transitMs: 300 })).toBe(false);
		expect(isUsable(minute, 57_800, policy)).toBe(true);
		// A 2-second token: skew 0.4 s and at most 0.4 s of transit however slow requests were.
		const short: TokenState = { accessToken: 'a', obtainedAt: 0, expiresAt: 2_000, expirySource: 'jwt' };
		expect(isUsable(short, 1_150, { ...policy, transitMs: 10_000 })).toBe(true);
		expect(isUsable(short, 1_250, { ...policy, transitMs: 10_000 })).toBe(false);
		// The refresh point stays where the policy puts it; a token past its sendable point is renewed at once.
		expect(refreshAt(short, { ...policy, transitMs: 10_000 })).toBe(refreshAt(short, policy));
		expect(decide({ state: { ...short, refreshToken: 'R' }, status: undefined, now: 1_250, policy: { ...policy, transitMs: 10_000 }, canGrant: false }).action).toBe('renew');
	});

	it('the last usable and the last fresh millisecond are excluded', () => {
		const state: TokenState = { accessToken: 'a', obtainedAt: 0, expiresAt: 60_000, expirySource: 'jwt' };
		expect([isUsable(state, 57_999, policy), isUsable(state, 58_000, policy)]).toEqual([true, false]);
		// Window: min(60 s, 10 % of 60 s) = 6 s before the usable end.
		expect([isFresh(state, 51_999, policy), isFresh(state, 52_000, policy)]).toEqual([true, false]);
	});

	it('a token that expired before it was obtained (an old JWT) gets no extra life from a negative lifetime', () => {
		const stale: TokenState = { accessToken: 'a', obtainedAt: 10_000, expiresAt: 5_000, expirySource: 'jwt' };
		expect(usableUntil(stale, policy)).toBe(5_000);
		expect(refreshAt(stale, policy)).toBe(5_000);
		expect(isUsable(stale, 5_500, policy)).toBe(false);
	});
});

describe('decide', () => {
	const base = { status: undefined, policy, canGrant: true };
	it.each<[string, Parameters<typeof decide>[0], string]>([
		['no state: fetch with the grant', { ...base, state: undefined, now: 0 }, 'renew:grant'],
		['fresh token: use', { ...base, state: hour(0), now: 1_000 }, 'use'],
		['inside the window, still valid: renew soon by refresh', { ...base, state: hour(0), now: 3_550_000 }, 'renewSoon:refresh'],
		['expired: renew by refresh', { ...base, state: hour(0), now: 3_600_001 }, 'renew:refresh'],
		['no refresh token: renew with the grant', { ...base, state: hour(0, { refreshToken: undefined }), now: 3_600_001 }, 'renew:grant'],
		['the API rejected this token: renew although fresh', { ...base, state: hour(0), now: 1_000, rejectedToken: 'A' }, 'renew:refresh'],
		['authorization code without refresh token: reconnect', { ...base, canGrant: false, state: hour(0, { refreshToken: undefined }), now: 3_600_001 }, 'reconnect'],
		['no refresh token, expiry only assumed: used until the API rejects it', { ...base, canGrant: false, state: hour(0, { refreshToken: undefined, expirySource: 'default' }), now: 7_200_000 }, 'use'],
		['no refresh token, assumed expiry, rejected by the API: reconnect', { ...base, canGrant: false, state: hour(0, { refreshToken: undefined, expirySource: 'default' }), now: 1_000, rejectedToken: 'A' }, 'reconnect'],
		['revoked grant, token expired: reconnect, no token call', { ...base, status: { reconnect: { at: 0, message: 'm', fix: 'f' } }, state: hour(0), now: 3_600_001 }, 'reconnect'],
		['revoked grant, token still valid: use it to the end', { ...base, status: { reconnect: { at: 0, message: 'm', fix: 'f' } }, state: hour(0), now: 3_550_000 }, 'use'],
		['back-off, token expired: wait', { ...base, status: { backoff: { until: 3_700_000, failures: 1, message: 'm', fix: 'f', transient: true } }, state: hour(0), now: 3_600_001 }, 'backoff'],
		['back-off, token still valid: use it', { ...base, status: { backoff: { until: 3_700_000, failures: 1, message: 'm', fix: 'f', transient: true } }, state: hour(0), now: 3_550_000 }, 'use'],
		['back-off over: renew', { ...base, status: { backoff: { until: 3_600_000, failures: 1, message: 'm', fix: 'f', transient: true } }, state: hour(0), now: 3_600_001 }, 'renew:refresh'],
		['back-off ending this millisecond: renew', { ...base, status: { backoff: { until: 3_600_001, failures: 1, message: 'm', fix: 'f', transient: true } }, state: hour(0), now: 3_600_001 }, 'renew:refresh'],
		['no refresh token, expiry unknown: used until the API rejects it', { ...base, canGrant: false, state: hour(0, { refreshToken: undefined, expirySource: 'unknown' }), now: 7_200_000 }, 'use'],
		['assumed expiry but a grant can renew it: renew', { ...base, state: hour(0, { refreshToken: undefined, expirySource: 'default' }), now: 7_200_000 }, 'renew:grant'],
		['assumed expiry but a refresh token can renew it: refresh', { ...base, canGrant: false, state: hour(0, { expirySource: 'default' }), now: 7_200_000 }, 'renew:refresh'],
		['known expiry passed, no refresh token, no grant: reconnect', { ...base, canGrant: false, state: hour(0, { refreshToken: undefined, expirySource: 'jwt' }), now: 7_200_000 }, 'reconnect'],
	])('%s', (_name, input, expected) => {
		const d = decide(input);
		expect('via' in d ? `${d.action}:${d.via}` : d.action).toBe(expected);
	});
});

describe('what a decision carries', () => {
	const base = { policy, canGrant: true, now: 3_600_001 };

	it('use and renew-soon hand out the token itself', () => {
		const state = hour(0);
		expect(decide({ ...base, status: undefined, state, now: 1_000 })).toEqual({ action: 'use', state });
		expect(decide({ ...base, status: undefined, state, now: 3_550_000 })).toEqual({ action: 'renewSoon', state, via: 'refresh' });
	});

	it('a revoked grant passes on its message and fix', () => {
		expect(decide({ ...base, status: { reconnect: { at: 0, message: 'grant revoked', fix: 'press Connect' } }, state: hour(0) })).toEqual({
			action: 'reconnect',
			message: 'grant revoked',
			fix: 'press Connect',
		});
	});

	it('an expired token with nothing to renew it says so and how to fix it', () => {
		expect(decide({ ...base, canGrant: false, status: undefined, state: hour(0, { refreshToken: undefined }) })).toEqual({
			action: 'reconnect',
			message: 'The access token expired (or was rejected) and there is no refresh token to renew it with',
			fix: 'Reconnect the credential (press Connect again, or paste a new refresh token).',
		});
	});

	it('a back-off passes on its end, message, fix and whether it may be waited out', () => {
		const backoff = { until: 3_700_000, failures: 2, message: 'token endpoint down', fix: 'wait', transient: false };
		expect(decide({ ...base, status: { backoff }, state: hour(0) })).toEqual({ action: 'backoff', until: 3_700_000, message: 'token endpoint down', fix: 'wait', transient: false });
	});
});

describe('back-off', () => {
	it('grows exponentially, capped at a minute, and honours Retry-After', () => {
		const spread = (failures: number, retryAfter?: number) => backoffUntil(0, failures, retryAfter);
		expect(spread(1)).toBeGreaterThanOrEqual(500);
		expect(spread(1)).toBeLessThanOrEqual(1_000);
		expect(spread(4)).toBeGreaterThanOrEqual(4_000);
		expect(spread(4)).toBeLessThanOrEqual(8_000);
		expect(spread(20)).toBeLessThanOrEqual(60_000);
		expect(spread(1, 30)).toBe(30_000);
		// A Retry-After shorter than the back-off does not shorten it.
		expect(spread(4, 1)).toBeGreaterThanOrEqual(4_000);
		expect(backoffUntil(1_000_000, 1, 30)).toBe(1_030_000);
	});
});
