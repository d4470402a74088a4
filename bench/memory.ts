/**
 * Memory: N items with 1 KB JSON responses, each N in fresh processes. n8n keeps every output item
 * until the run ends, so peak RSS must grow with N; the node must add nothing per item beyond that:
 *   - what stays behind once the run's data is released (JIT code, warmed caches) does not grow
 *     with the number of items;
 *   - peak RSS grows per item by at most HEAP_HEADROOM × the run data per item. V8 lets the heap
 *     grow to a multiple of what it keeps before a full collection, so the data itself is seen
 *     at peak with that headroom; an extra copy per item (buffered responses, a cache) exceeds it.
 * Peak RSS depends on when V8 collects: each N is measured twice and the lower peak kept.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { startOAuth2Server } from '../test/servers/oauth2Server';
import type { MemoryReading } from './memoryRun';
import type { Kind } from './sideBySide';
import { type Figure, median, printTable, REGISTER, startApiServer } from './support';

const HEAP_HEADROOM = 2;
const MAX_RESIDUE_BYTES_PER_ITEM = 1;
const RUNS_PER_SIZE = 2;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function measure(url: string, items: number, lane?: { kind: Kind; tokenUrl: string }): Promise<MemoryReading> {
	return new Promise((resolve, reject) => {
		const child = fork(join(__dirname, 'memoryRun.ts'), [url, String(items), ...(lane ? [lane.kind, lane.tokenUrl] : [])], { execArgv: ['--expose-gc', '-r', REGISTER], stdio: 'inherit' });
		child.once('message', (reading: MemoryReading) => resolve(reading));
		child.once('exit', (code) => (code ? reject(new Error(`memory run for ${items} items exited with ${code}`)) : undefined));
	});
}

async function lowestPeak(url: string, items: number): Promise<MemoryReading> {
	const readings: MemoryReading[] = [];
	for (let run = 0; run < RUNS_PER_SIZE; run++) readings.push(await measure(url, items));
	return readings.reduce((low, r) => (r.peakRss < low.peakRss ? r : low));
}

export async function memoryBench(sizes: number[]): Promise<Figure[]> {
	const api = await startApiServer(0, 1024);
	try {
		const readings: MemoryReading[] = [];
		for (const size of sizes) readings.push(await lowestPeak(api.url, size));
		const [first, last] = [readings[0], readings[readings.length - 1]];
		const span = last.items - first.items;
		const rssPerItem = (last.peakRss - first.peakRss) / span;
		const dataPerItem = (last.runData - first.runData) / span;
		const residuePerItem = (last.residue - first.residue) / span;
		const ratio = rssPerItem / dataPerItem;
		return [
			{
				name: `Peak RSS, ${last.items.toLocaleString('en')} items of 1 KB`,
				value: `${mib(last.peakRss)} (${readings.map((r) => `${r.items / 1000}k: ${mib(r.peakRss)}`).join(', ')})`,
				goal: 'reported',
				met: true,
				note: `run data (input and output items) held by each run: ${readings.map((r) => mib(r.runData)).join(', ')}; process before the run: ${mib(first.baselineRss)}`,
			},
			{
				name: 'Peak RSS growth per item vs run data per item',
				value: `${ratio.toFixed(2)} × (${(rssPerItem / 1024).toFixed(2)} KiB vs ${(dataPerItem / 1024).toFixed(2)} KiB)`,
				goal: `≤ ${HEAP_HEADROOM} × (V8 heap headroom)`,
				met: ratio <= HEAP_HEADROOM,
			},
			{
				name: 'Heap left after the run, growth per item',
				value: `${residuePerItem.toFixed(2)} bytes (${readings.map((r) => `${(r.residue / 1024).toFixed(0)} KiB`).join(', ')})`,
				goal: `≤ ${MAX_RESIDUE_BYTES_PER_ITEM} byte`,
				met: residuePerItem <= MAX_RESIDUE_BYTES_PER_ITEM,
			},
		];
	} finally {
		api.close();
	}
}

/** Peak RSS goal for the side-by-side figure: the package with its default options. */
const PEAK_DELTA_GOAL = 0.5 * 2 ** 30;
const SIDE_BY_SIDE_ITEMS = 100_000;

/**
 * Beside n8n's node and the floor (bench/floorNode.ts: the same expression and GET, 10 in flight,
 * as the package's default): peak RSS above the process before the run (warmed up by a small run),
 * for 100,000 items of 1 KB, each lane in fresh processes, alternating; the lowest peak of each
 * lane's runs (two by default; n8n's node takes minutes per run). The floor is there because the
 * peak is set less by what a run keeps than by when V8 collects: after a full collection it lets
 * the heap grow to up to four times what survived before the next one, so runs that keep the same
 * data peak hundreds of MiB apart.
 */
export async function memorySideBySide(items = SIDE_BY_SIDE_ITEMS, runs = RUNS_PER_SIZE): Promise<Figure[]> {
	const api = await startApiServer(0, 1024);
	const oauth = await startOAuth2Server({ accessTokenLifetime: 3_600 });
	try {
		const kinds = ['n8n', 'package', 'floor'] as const;
		const deltas: Record<(typeof kinds)[number], number[]> = { package: [], floor: [], n8n: [] };
		for (let run = 0; run < runs; run++) {
			for (const kind of kinds) {
				const reading = await measure(api.url, items, { kind, tokenUrl: oauth.tokenUrl });
				deltas[kind].push(reading.peakRss - reading.baselineRss);
			}
		}
		const [pkg, floor, n8n] = [Math.min(...deltas.package), Math.min(...deltas.floor), Math.min(...deltas.n8n)];
		const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
		return [
			{
				name: `Peak RSS delta, ${items.toLocaleString('en')} items of 1 KB: package (OAuth2, default options) vs the floor vs n8n (OAuth2)`,
				value: `${mib(pkg)} vs ${mib(floor)} vs ${mib(n8n)} (${(pkg / floor).toFixed(2)} × the floor, ${(pkg / n8n).toFixed(2)} × n8n)`,
				goal: `≤ ${gib(PEAK_DELTA_GOAL)}`,
				met: pkg <= PEAK_DELTA_GOAL,
				note: `runs: package ${deltas.package.map(mib).join('/')}, floor ${deltas.floor.map(mib).join('/')}, n8n ${deltas.n8n.map(mib).join('/')} (median ${mib(median(deltas.n8n))}); n8n's node with Batching 1,000 items per 50 ms (all at once exhausts the loopback API)`,
			},
		];
	} finally {
		api.close();
		await oauth.close();
	}
}

/** Run directly (with --expose-gc): only the side-by-side memory figure; arguments [items] [runs per lane]. */
if (require.main === module) {
	require('./env');
	memorySideBySide(Number(process.argv[2] ?? SIDE_BY_SIDE_ITEMS), Number(process.argv[3] ?? RUNS_PER_SIZE)).then(
		(figures) => {
			printTable(figures);
			process.exit(0);
		},
		(error: unknown) => {
			console.error(error);
			process.exit(2);
		},
	);
}
