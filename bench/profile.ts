/**
 * CPU profile of the per-item path: one lane of the side-by-side CPU figure (package, floor or
 * n8n's node; OAuth2 client credentials, the URL an expression per item, 1,000 items per round at
 * a 0 ms API) under the run's expression engine, then its self time split by where the code
 * lives (profileSplit.ts). V8's CPU profiler (the one --cpu-prof starts) runs through the
 * inspector only around the measured rounds, so start-up, module loading and warm-up stay out.
 * The profile is written beside the split, for DevTools. Arguments: [kind] [rounds] [file].
 */
import './env';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestCredentialsHelper } from '../test/support/engine';
import { startOAuth2Server } from '../test/servers/oauth2Server';
import { startExpressionEngine } from './expressionEngine';
import { type CpuProfile, formatSplit, splitProfile } from './profileSplit';
import { type Kind, run, workflow } from './sideBySide';
import { cpuMicros, startApiServer } from './support';

const ITEMS = 1_000;
const WARM_UP = 3;
const SAMPLING_INTERVAL_US = 250;

async function main(): Promise<void> {
	const kind = (process.argv[2] ?? 'package') as Kind;
	const rounds = Number(process.argv[3] ?? 10);
	const engine = await startExpressionEngine();
	const file = process.argv[4] ?? join(tmpdir(), `api-auth-${kind}-node${process.versions.node.split('.')[0]}.cpuprofile`);
	const oauth = await startOAuth2Server({ accessTokenLifetime: 3_600 });
	const api = await startApiServer(0, 256);
	const helper = new TestCredentialsHelper(new Map());
	const inFlight = kind === 'n8n' ? undefined : 100;
	const session = new Session();
	session.connect();
	try {
		await run(workflow(kind, api.url, oauth.tokenUrl, 1, inFlight), helper);
		for (let round = 0; round < WARM_UP; round++) await run(workflow(kind, api.url, oauth.tokenUrl, ITEMS, inFlight), helper);
		await session.post('Profiler.enable');
		await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
		await session.post('Profiler.start');
		const before = cpuMicros();
		for (let round = 0; round < rounds; round++) await run(workflow(kind, api.url, oauth.tokenUrl, ITEMS, inFlight), helper);
		const cpu = cpuMicros() - before;
		const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
		writeFileSync(file, JSON.stringify(profile));
		const requests = rounds * ITEMS;
		console.log(`${kind}: Node ${process.version}, expression engine ${engine}; ${requests} requests, process CPU ${(cpu / requests).toFixed(0)} µs/request; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
		console.log(formatSplit(splitProfile(profile), requests));
		console.log(`profile: ${file}`);
	} finally {
		session.disconnect();
		api.close();
		await oauth.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
