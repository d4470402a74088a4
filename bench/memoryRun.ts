/**
 * One memory measurement in a fresh process (started by memory.ts with --expose-gc): N items
 * against the bench API, then peak RSS and the heap the finished run still holds.
 * Arguments: <API URL> <items>. Reports over IPC.
 */
import '../test/support/env';
import { runItems } from './workflow';

export interface MemoryReading {
	items: number;
	peakRss: number;
	baselineRss: number;
	/** Heap held after the run by its data (input and output items), after a full GC. */
	retained: number;
}

async function main(): Promise<void> {
	const [url, count] = [process.argv[2], Number(process.argv[3])];
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	await runItems(url, 200, 10);
	gc();
	const baseline = process.memoryUsage();
	const result = await runItems(url, count, 10);
	gc();
	const reading: MemoryReading = {
		items: result.output.length,
		peakRss: process.resourceUsage().maxRSS * 1024,
		baselineRss: baseline.rss,
		retained: process.memoryUsage().heapUsed - baseline.heapUsed,
	};
	process.send?.(reading);
}

main().then(
	() => process.disconnect?.(),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
