/**
 * The memory store's contract (one process, no encryption key): state and status kept per key,
 * setStatus(undefined) clears, delete removes both; the lock is exclusive until released or its
 * lease ends, and only its holder renews or releases it. Date.now is jest's controllable clock.
 */
import { MemoryTokenStore } from '../../lib/stores/memoryStore';
import type { TokenState, TokenStatus } from '../../lib/stores/tokenStore';

const state: TokenState = { accessToken: 'memory-token', expiresAt: 2_000_000, obtainedAt: 1_000_000, expirySource: 'expires_in' };
const status: TokenStatus = { backoff: { until: 1_060_000, failures: 1, message: 'the token endpoint answered 503', fix: 'wait', transient: true } };

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
	jest.useRealTimers();
});

describe('records', () => {
	it('keeps state and status per key', async () => {
		const store = new MemoryTokenStore();
		await store.setState('a', state);
		await store.setStatus('a', status);
		expect(await store.getState('a')).toEqual(state);
		expect(await store.getStatus('a')).toEqual(status);
		expect(await store.getState('b')).toBeUndefined();
		expect(await store.getStatus('b')).toBeUndefined();
	});

	it('setStatus(undefined) clears the status and leaves the state', async () => {
		const store = new MemoryTokenStore();
		await store.setState('a', state);
		await store.setStatus('a', status);
		await store.setStatus('a', undefined);
		expect(await store.getStatus('a')).toBeUndefined();
		expect(await store.getState('a')).toEqual(state);
	});

	it('delete removes both state and status of that key only', async () => {
		const store = new MemoryTokenStore();
		for (const key of ['a', 'b']) {
			await store.setState(key, state);
			await store.setStatus(key, status);
		}
		await store.delete('a');
		expect(await store.getState('a')).toBeUndefined();
		expect(await store.getStatus('a')).toBeUndefined();
		expect(await store.getState('b')).toEqual(state);
		expect(await store.getStatus('b')).toEqual(status);
	});
});

describe('lock', () => {
	it('is exclusive while held, per key; free again once released', async () => {
		const store = new MemoryTokenStore();
		const first = await store.tryLock('a', 1_000);
		expect(first).toBeDefined();
		expect(await store.tryLock('a', 1_000)).toBeUndefined();
		expect(await store.tryLock('b', 1_000)).toBeDefined();
		await first?.release();
		expect(await store.tryLock('a', 1_000)).toBeDefined();
	});

	it('is held for its whole lease and free from the moment the lease ends', async () => {
		const store = new MemoryTokenStore();
		await store.tryLock('a', 1_000);
		jest.setSystemTime(1_000_999);
		expect(await store.tryLock('a', 1_000)).toBeUndefined();
		jest.setSystemTime(1_001_000);
		expect(await store.tryLock('a', 1_000)).toBeDefined();
	});

	it('renew by the holder answers true and extends the lease from now', async () => {
		const store = new MemoryTokenStore();
		const lock = await store.tryLock('a', 1_000);
		jest.setSystemTime(1_000_800);
		expect(await lock?.renew()).toBe(true);
		jest.setSystemTime(1_001_500);
		expect(await store.tryLock('a', 1_000)).toBeUndefined();
		jest.setSystemTime(1_001_800);
		expect(await store.tryLock('a', 1_000)).toBeDefined();
	});

	it('after its lease ended and another took it, the old holder can neither renew nor release it', async () => {
		const store = new MemoryTokenStore();
		const old = await store.tryLock('a', 1_000);
		jest.setSystemTime(1_002_000);
		const current = await store.tryLock('a', 1_000);
		expect(current).toBeDefined();
		expect(await old?.renew()).toBe(false);
		await old?.release();
		expect(await store.tryLock('a', 1_000)).toBeUndefined();
		expect(await current?.renew()).toBe(true);
	});
});
