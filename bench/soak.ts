/**
 * `npm run soak`: the soak of soakRun.ts for SOAK_MINUTES (default 30), printing a line every
 * 10 s and the figures at the end, with what they are held to. Exit code 1 when one is missed.
 */
import { loadavg } from 'node:os';
import { soak } from './soakRun';

async function main(): Promise<void> {
	const minutes = Number(process.env.SOAK_MINUTES ?? 30);
	console.log(`soak: ${minutes} min, 4 workers on Redis, 3-s rotating refresh tokens, ~50 items in flight; node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
	const f = await soak(minutes, (line) => console.log(line));
	const checks: Array<[string, boolean]> = [
		[`items failed: ${JSON.stringify(f.failed)}`, Object.keys(f.failed).length === 0],
		[`API 401s: ${f.api401}`, f.api401 === 0],
		[`invalid_grant: ${f.invalidGrant}`, f.invalidGrant === 0],
		[`token calls ${f.tokenCalls}: ${f.lifetimes} lifetimes of 3 s, at most ${f.renewalPeriods} refresh points (50 %) ± 2; ${f.earlyRenewals.length} before their refresh point (event loops late by up to ${f.loopDelayMaxMs.workers} ms in the workers, ${f.loopDelayMaxMs.driver} ms here, allowed for)`, f.earlyRenewals.length === 0 && f.tokenCalls <= f.renewalPeriods + 2 && f.tokenCalls >= f.lifetimes - 2],
		[`RSS after warm-up, MiB first→last ${f.rssMiB.map(([a, b]) => `${a.toFixed(0)}→${b.toFixed(0)}`).join(', ')}; slope MiB/h ${f.rssMiBPerHour.map((s) => s.toFixed(1)).join(', ')}`, true],
		[`open sockets first→last ${f.sockets.map(([a, b]) => `${a}→${b}`).join(', ')}; slope /h ${f.socketsPerHour.map((s) => s.toFixed(1)).join(', ')}`, true],
		[`idle resources after warm-up ${JSON.stringify(f.idleAfterWarmUp)}, at the end ${JSON.stringify(f.idleAtEnd)}`, (f.idleAtEnd.Timeout ?? 0) <= (f.idleAfterWarmUp.Timeout ?? 0) && (f.idleAtEnd.TCPSocketWrap ?? 0) <= (f.idleAfterWarmUp.TCPSocketWrap ?? 0) + 4],
	];
	console.log(`\n${f.runs} runs, ${f.items} items ok in ${f.minutes} min; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
	for (const [line, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${line}`);
	process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

void main();
