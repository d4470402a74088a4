/**
 * Memory: N items with 1 KB JSON responses, each N in a fresh process. Peak RSS must grow with N
 * only as the data the run keeps grows (n8n holds every output item until the run ends); the
 * node itself must add nothing per item. Compared: the growth of peak RSS per item against the
 * growth of the retained run data per item, between the smallest and the largest N.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { MemoryReading } from './memoryRun';
import { type Figure, REGISTER, startApiServer } from './support';

/** V8 lets the heap grow to about twice what it keeps before collecting: the allowance for that. */
const MAX_GROWTH_RATIO = 2;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function measure(url: string, items: number): Promise<MemoryReading> {
	return new Promise((resolve, reject) => {
		const child = fork(join(__dirname, 'memoryRun.ts'), [url, String(items)], { execArgv: ['--expose-gc', '-r', REGISTER], stdio: 'inherit' });
		child.once('message', (reading: MemoryReading) => resolve(reading));
		child.once('exit', (code) => (code ? reject(new Error(`memory run for ${items} items exited with ${code}`)) : undefined));
	});
}

export async function memoryBench(sizes: number[]): Promise<Figure[]> {
	const api = await startApiServer(0, 1024);
	try {
		const readings: MemoryReading[] = [];
		for (const size of sizes) readings.push(await measure(api.url, size));
		const [first, last] = [readings[0], readings[readings.length - 1]];
		const span = last.items - first.items;
		const rssPerItem = (last.peakRss - first.peakRss) / span;
		const dataPerItem = (last.retained - first.retained) / span;
		const ratio = rssPerItem / dataPerItem;
		return [
			{
				name: `Peak RSS, ${last.items.toLocaleString('en')} items of 1 KB`,
				value: `${mib(last.peakRss)} (${readings.map((r) => `${r.items / 1000}k: ${mib(r.peakRss)}`).join(', ')})`,
				goal: 'reported',
				met: true,
				note: `run data held after each run: ${readings.map((r) => mib(r.retained)).join(', ')}; process before the run: ${mib(first.baselineRss)}`,
			},
			{
				name: 'Peak RSS growth per item vs run data per item',
				value: `${ratio.toFixed(2)} × (${(rssPerItem / 1024).toFixed(2)} KiB vs ${(dataPerItem / 1024).toFixed(2)} KiB)`,
				goal: `≤ ${MAX_GROWTH_RATIO} × (flat beyond the data)`,
				met: ratio <= MAX_GROWTH_RATIO,
			},
		];
	} finally {
		api.close();
	}
}
