/**
 * One memory measurement in a fresh process (started by memory.ts with --expose-gc): N items
 * against the bench API; then peak RSS, the heap the run's result holds (input and output items),
 * and what stays behind once the result is released. Arguments: <API URL> <items>. Reports over IPC.
 */
import './env';
import type { RunResult } from '../test/support/engine';
import { runItems } from './workflow';

export interface MemoryReading {
	items: number;
	peakRss: number;
	baselineRss: number;
	/** Heap held by the finished run's data, measured by releasing it (after full GCs). */
	runData: number;
	/** Heap still held after the run's data was released, beyond the baseline before the run. */
	residue: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
	if (!gc) throw new Error('run with --expose-gc');
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

/** Runs the workflow and measures the heap while its result is held; the result dies with this frame. */
async function runHeld(url: string, count: number): Promise<{ items: number; heapWithRun: number }> {
	const result: RunResult = await runItems(url, count, 10);
	return { items: result.output.length, heapWithRun: heapAfterGc() };
}

async function main(): Promise<void> {
	const [url, count] = [process.argv[2], Number(process.argv[3])];
	await runItems(url, 200, 10);
	const baselineHeap = heapAfterGc();
	const baselineRss = process.memoryUsage().rss;
	const { items, heapWithRun } = await runHeld(url, count);
	const released = heapAfterGc();
	const reading: MemoryReading = {
		items,
		peakRss: process.resourceUsage().maxRSS * 1024,
		baselineRss,
		runData: heapWithRun - released,
		residue: Math.max(0, released - baselineHeap),
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
