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
import type { MemoryReading } from './memoryRun';
import { type Figure, REGISTER, startApiServer } from './support';

const HEAP_HEADROOM = 3;
const MAX_RESIDUE_BYTES_PER_ITEM = 1;
const RUNS_PER_SIZE = 2;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function measure(url: string, items: number): Promise<MemoryReading> {
	return new Promise((resolve, reject) => {
		const child = fork(join(__dirname, 'memoryRun.ts'), [url, String(items)], { execArgv: ['--expose-gc', '-r', REGISTER], stdio: 'inherit' });
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
