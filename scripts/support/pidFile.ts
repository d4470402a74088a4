/**
 * The pid file of a service the tooling started (n8n of `npm start`): written when it starts,
 * removed when it stops, read on the next start to stop a leftover from a run that was killed.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Log } from './processes';

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Whether `pid` still runs `marker` (guards against a reused PID on Linux; elsewhere trusts the file). */
function runs(pid: number, marker: string): boolean {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
	} catch {
		return process.platform !== 'linux';
	}
}

export function writePidFile(file: string, pid: number): void {
	writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string): void {
	rmSync(file, { force: true });
}

/** Stops the process group a pid file names, if it is still ours: SIGTERM, SIGKILL after the grace period. */
export async function stopLeftover(file: string, marker: string, log: Log, graceMs = 15_000): Promise<void> {
	let pid: number;
	try {
		pid = Number(readFileSync(file, 'utf8').trim());
	} catch {
		return;
	}
	if (Number.isInteger(pid) && pid > 1 && groupAlive(pid) && runs(pid, marker)) {
		log(`Stopping the n8n an earlier start left running (PID ${pid})…`);
		process.kill(-pid, 'SIGTERM');
		const deadline = Date.now() + graceMs;
		while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
		if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
	}
	removePidFile(file);
}
