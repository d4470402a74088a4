/**
 * One memory measurement in a fresh process (started by memory.ts with --expose-gc): N items
 * against the bench API; then peak RSS, the heap the run's result holds (input and output items),
 * and what stays behind once the result is released. Arguments: <API URL> <items> [<kind> <token URL>]:
 * without a kind, the package's node with a Bearer token; with one, a side-by-side lane (the package or
 * n8n's node, OAuth2 client credentials, or the floor node; n8n's node in batches, see below). Reports over IPC.
 */
import './env';
import { runWorkflow, type RunResult, TestCredentialsHelper } from '../test/support/engine';
import { startExpressionEngine } from './expressionEngine';
import { type Kind, workflow } from './sideBySide';
import { runItems } from './workflow';

/**
 * n8n's node sends every item at once; 100,000 sockets at once exhaust the loopback API, so it
 * runs with its own Batching option: 1,000 items, then 50 ms, which holds fewer requests in
 * flight (and less memory) than it would unbatched.
 */
const N8N_BATCHING = { batching: { batch: { batchSize: 1_000, batchInterval: 50 } } };

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

type Runner = (count: number) => Promise<RunResult>;

function laneRunner(kind: Kind, url: string, tokenUrl: string): Runner {
	const helper = new TestCredentialsHelper(new Map());
	return async (count) => {
		const options = workflow(kind, url, tokenUrl, count);
		if (kind === 'n8n') options.parameters.options = N8N_BATCHING;
		const stored = helper.updates.at(-1)?.data;
		const result = await runWorkflow({ ...options, credential: stored ? { ...options.credential, data: stored } : options.credential, helper });
		if (result.error) throw new Error(`The ${kind} workflow failed: ${result.error.message}`);
		if (result.output.length !== count) throw new Error(`Expected ${count} output items, got ${result.output.length}`);
		return result;
	};
}

/** Runs the workflow and measures the heap while its result is held; the result dies with this frame. */
async function runHeld(runner: Runner, count: number): Promise<{ items: number; heapWithRun: number }> {
	const result = await runner(count);
	return { items: result.output.length, heapWithRun: heapAfterGc() };
}

async function main(): Promise<void> {
	const [url, count, kind, tokenUrl] = [process.argv[2], Number(process.argv[3]), process.argv[4] as Kind | undefined, process.argv[5]];
	await startExpressionEngine();
	const runner: Runner = kind ? laneRunner(kind, url, tokenUrl) : (n) => runItems(url, n, 10);
	await runner(200);
	const baselineHeap = heapAfterGc();
	const baselineRss = process.memoryUsage().rss;
	const { items, heapWithRun } = await runHeld(runner, count);
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
