import { useClock } from '../../lib/clock';
import { TransportError } from '../../lib/errors';
import { backoffDelay, isRetryableError, isRetryableStatus, retryAfterSeconds, retryDelay, type RetryPolicy, withRetries } from '../../lib/transport/retry';
import type { HttpResponse } from '../../lib/transport/types';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxWaitMs: 30_000 };
const NOW = Date.parse('2026-03-01T12:00:00Z');

function response(status: number, headers: Record<string, string> = {}): HttpResponse {
	return { status, statusText: '', headers, body: Buffer.alloc(0), url: 'https://api.example.com/x' };
}

function networkError(code: string, maybeDelivered: boolean): TransportError {
	return new TransportError(`failed (${code})`, { code, url: 'https://api.example.com/x', fix: '', maybeDelivered });
}

describe('what is retried', () => {
	it('idempotent methods: 429 and transient 5xx, not 501/505 or 4xx', () => {
		for (const status of [429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(status, 'GET')).toBe(true);
		for (const status of [200, 301, 400, 401, 404, 501, 505]) expect(isRetryableStatus(status, 'PUT')).toBe(false);
	});

	it('POST and PATCH: only 429 and 503, where the server did not act on the request', () => {
		expect([429, 500, 502, 503, 504].filter((s) => isRetryableStatus(s, 'POST'))).toEqual([429, 503]);
		expect([429, 500, 503].filter((s) => isRetryableStatus(s, 'PATCH'))).toEqual([429, 503]);
	});

	it('network errors: transient codes only; POST only when nothing may have been delivered', () => {
		expect(isRetryableError(networkError('ECONNRESET', true), 'GET')).toBe(true);
		expect(isRetryableError(networkError('ECONNRESET', true), 'POST')).toBe(false);
		expect(isRetryableError(networkError('ECONNREFUSED', false), 'POST')).toBe(true);
		expect(isRetryableError(networkError('CERT_HAS_EXPIRED', false), 'GET')).toBe(false);
		expect(isRetryableError(new Error('ECONNRESET'), 'GET')).toBe(false);
	});
});

describe('Retry-After', () => {
	it('reads delta-seconds and HTTP dates, never a number as a date', () => {
		expect(retryAfterSeconds('120', NOW)).toBe(120);
		expect(retryAfterSeconds(' 1.5 ', NOW)).toBe(1.5);
		expect(retryAfterSeconds('-3', NOW)).toBe(0);
		expect(retryAfterSeconds('Sun, 01 Mar 2026 12:00:45 GMT', NOW)).toBe(45);
		expect(retryAfterSeconds('Sun, 01 Mar 2026 11:00:00 GMT', NOW)).toBe(0);
		expect(retryAfterSeconds('soon', NOW)).toBeUndefined();
		expect(retryAfterSeconds(undefined, NOW)).toBeUndefined();
	});

	it('is waited exactly; past the maximum wait it stops the retries', () => {
		expect(retryDelay(1, policy, response(429, { 'retry-after': '7' }), NOW)).toBe(7000);
		expect(retryDelay(1, policy, response(503, { 'retry-after': 'Sun, 01 Mar 2026 12:00:10 GMT' }), NOW)).toBe(10_000);
		expect(retryDelay(1, policy, response(429, { 'retry-after': '31' }), NOW)).toBeUndefined();
	});
});

describe('back-off', () => {
	it('doubles per retry, between half and all of the step, capped by the maximum wait', () => {
		expect([1, 2, 3].map((r) => backoffDelay(r, policy, () => 0))).toEqual([500, 1000, 2000]);
		expect([1, 2, 3].map((r) => backoffDelay(r, policy, () => 1))).toEqual([1000, 2000, 4000]);
		expect(backoffDelay(10, policy, () => 1)).toBe(30_000);
	});
});

describe('withRetries', () => {
	let waits: number[];
	let restore: () => void;
	beforeEach(() => {
		waits = [];
		restore = useClock({ now: () => NOW, sleep: async (ms) => void waits.push(ms) });
	});
	afterEach(() => restore());

	it('retries until success, waiting through the clock', async () => {
		const answers = [response(503), response(429, { 'retry-after': '2' }), response(200)];
		const result = await withRetries('GET', policy, async () => answers.shift() as HttpResponse);
		expect(result.status).toBe(200);
		expect(waits).toHaveLength(2);
		expect(waits[0]).toBeGreaterThanOrEqual(500);
		expect(waits[0]).toBeLessThanOrEqual(1000);
		expect(waits[1]).toBe(2000);
	});

	it('returns the last answer after the maximum attempts', async () => {
		let calls = 0;
		const result = await withRetries('GET', policy, async () => {
			calls++;
			return response(500);
		});
		expect(result.status).toBe(500);
		expect(calls).toBe(4);
		expect(waits).toHaveLength(3);
	});

	it('does not retry a POST after a 500, nor anything after a 400', async () => {
		let calls = 0;
		await withRetries('POST', policy, async () => (calls++, response(500)));
		await withRetries('GET', policy, async () => (calls++, response(400)));
		expect(calls).toBe(2);
		expect(waits).toEqual([]);
	});

	it('rethrows a network error once attempts run out, and a non-transient one at once', async () => {
		let calls = 0;
		await expect(withRetries('GET', { ...policy, maxAttempts: 2 }, async () => {
			calls++;
			throw networkError('ECONNREFUSED', false);
		})).rejects.toThrow('ECONNREFUSED');
		expect(calls).toBe(2);
		await expect(withRetries('GET', policy, async () => {
			calls++;
			throw networkError('ERR_TLS_CERT_ALTNAME_INVALID', false);
		})).rejects.toThrow('ERR_TLS_CERT_ALTNAME_INVALID');
		expect(calls).toBe(3);
	});

	it('stops when Retry-After asks for more than the maximum wait', async () => {
		let calls = 0;
		const result = await withRetries('GET', policy, async () => (calls++, response(429, { 'retry-after': '3600' })));
		expect(result.status).toBe(429);
		expect(calls).toBe(1);
	});
});
