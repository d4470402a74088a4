/** What the benchmarks share: the API child process, CPU and memory readings, and the table. */
import { fork } from 'node:child_process';
import { join } from 'node:path';

export const REGISTER = join(__dirname, 'register.js');

export interface ApiServer {
	url: string;
	close(): void;
}

/** Starts bench/apiServer.ts in its own process. */
export async function startApiServer(latencyMs: number, bodyBytes: number): Promise<ApiServer> {
	const child = fork(join(__dirname, 'apiServer.ts'), [String(latencyMs), String(bodyBytes)], { execArgv: ['-r', REGISTER], stdio: 'inherit' });
	const port = await new Promise<number>((resolve, reject) => {
		child.once('message', (message: { port: number }) => resolve(message.port));
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`API server exited with ${code}`)));
	});
	return { url: `http://127.0.0.1:${port}`, close: () => child.kill() };
}

/** CPU time (user + system) of this process, in microseconds. */
export function cpuMicros(): number {
	const { user, system } = process.cpuUsage();
	return user + system;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Figure {
	name: string;
	value: string;
	goal: string;
	met: boolean;
	note?: string;
}

export function printTable(figures: Figure[]): void {
	const rows = [['Figure', 'Measured', 'Goal', ''], ...figures.map((f) => [f.name, f.value, f.goal, f.met ? 'met' : 'MISSED'])];
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	const line = (row: string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
	console.log(line(rows[0]));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const row of rows.slice(1)) console.log(line(row));
	for (const f of figures) if (f.note) console.log(`  ${f.name}: ${f.note}`);
}
