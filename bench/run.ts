/**
 * npm run bench: the three figures of the node against their goals, measured in one run through
 * n8n's real engine against a local API on 127.0.0.1 (in another process).
 */
import './env';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { startExpressionEngine } from './expressionEngine';
import { latencyBench } from './latency';
import { memoryBench, memorySideBySide } from './memory';
import { overheadBench } from './overhead';
import { sideBySideBench } from './sideBySide';
import { type Figure, printTable } from './support';

/** Other processes on the machine skew every figure: say how busy it was. */
function machineLoad(): string {
	const load = `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
	try {
		const pressure = /avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
		return pressure ? `${load}, CPU pressure ${pressure} % (60 s)` : load;
	} catch {
		return load;
	}
}

async function main(): Promise<void> {
	console.log(`n8n-nodes-api-auth benchmark: Node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString().slice(0, 10)}`);
	console.log(`expression engine: ${await startExpressionEngine()}`);
	console.log(`machine at the start: ${machineLoad()}`);
	const figures: Figure[] = [];
	// Each part's figures are printed when it ends, so that a long run stopped half-way keeps them.
	const parts: Array<() => Promise<Figure[]>> = [
		() => sideBySideBench(),
		() => latencyBench([10, 50]),
		() => overheadBench(),
		() => memoryBench([25_000, 50_000, 100_000]),
		() => memorySideBySide(),
	];
	for (const part of parts) {
		const done = await part();
		printTable(done);
		console.log(`machine now: ${machineLoad()}\n`);
		figures.push(...done);
	}
	console.log('All figures:');
	printTable(figures);
	console.log(`machine at the end: ${machineLoad()}`);
	process.exitCode = figures.every((f) => f.met) ? 0 : 1;
}

main().then(
	() => process.exit(),
	(error: unknown) => {
		console.error(error);
		process.exit(2);
	},
);
