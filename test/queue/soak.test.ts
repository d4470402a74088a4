/**
 * The soak's short version (bench/soakRun.ts; the long one is `npm run soak`, 30 minutes): one
 * minute of 4 workers on Redis, 3-s rotating refresh tokens, ~50 items in flight.
 */
import { soak } from '../../bench/soakRun';

jest.setTimeout(240_000);

it('one minute of steady load on 4 workers: no item fails, no invalid_grant, no racing renewal, no timer or socket left behind', async () => {
	const f = await soak(1);
	expect(f.failed).toEqual({});
	expect(f.invalidGrant).toBe(0);
	expect(f.earlyRenewals).toEqual([]);
	expect(f.tokenCalls).toBeGreaterThanOrEqual(f.lifetimes - 2);
	expect(f.tokenCalls).toBeLessThanOrEqual(f.renewalPeriods + 2);
	// A request that left with a token just before it expired is answered 401 and retried once
	// with the new token (items do not fail, above); it happens only when a worker lags a second.
	expect(f.api401).toBeLessThanOrEqual(f.items / 100);
	expect(f.idleAtEnd.Timeout ?? 0).toBeLessThanOrEqual(f.idleAfterWarmUp.Timeout ?? 0);
	expect(f.idleAtEnd.TCPSocketWrap ?? 0).toBeLessThanOrEqual((f.idleAfterWarmUp.TCPSocketWrap ?? 0) + 4);
	console.info(`soak, 1 min: ${f.items} items ok, ${f.tokenCalls} token calls for ${f.lifetimes} lifetimes, ${f.api401} API 401s, event loops late by ${f.loopDelayMaxMs.workers} ms (workers) and ${f.loopDelayMaxMs.driver} ms (driver) at worst, idle resources ${JSON.stringify(f.idleAfterWarmUp)} → ${JSON.stringify(f.idleAtEnd)}`);
});
