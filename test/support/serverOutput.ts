/** Waiting for a server the test spawned to say it is ready. */
import type { ChildProcess } from 'node:child_process';

/**
 * Resolves once the process has printed `phrase` on `stream`; rejects with what it printed when it
 * exits first or `timeoutMs` passes. Its output is drained afterwards, so its pipes never fill.
 */
export async function untilPrinted(proc: ChildProcess, label: string, phrase: string, options: { stream?: 'stdout' | 'stderr'; timeoutMs?: number } = {}): Promise<void> {
	const { stream = 'stdout', timeoutMs = 10_000 } = options;
	let output = '';
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${label} did not start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
		proc[stream]?.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
			if (output.includes(phrase)) {
				clearTimeout(timer);
				resolve();
			}
		});
		proc.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${label} ended with code ${code}:\n${output}`));
		});
	});
	proc.stdout?.resume();
	proc.stderr?.resume();
}
