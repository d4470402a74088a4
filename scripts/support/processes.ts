/**
 * Child processes for the tooling: a step whose output goes to a log file (printed only when it
 * fails), and long-running services started in their own process group, so that stopping one
 * also stops what it started (n8n's task runner, for instance).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Log = (line: string) => void;

export interface StepOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Where the step's output goes. */
	logFile: string;
}

function tail(file: string, lines: number): string {
	try {
		return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/** Runs a command to completion; rejects with the end of its log when it exits non-zero. */
export async function runStep(command: string, args: string[], options: StepOptions): Promise<void> {
	mkdirSync(dirname(options.logFile), { recursive: true });
	const out = createWriteStream(options.logFile, { flags: 'a' });
	await new Promise<void>((resolve) => out.once('open', () => resolve()));
	out.write(`\n$ ${command} ${args.join(' ')}\n`);
	const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', out, out] });
	const code = await new Promise<number | null>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', resolve);
	});
	await new Promise<void>((resolve) => out.end(resolve));
	if (code !== 0) {
		throw new Error(`"${command} ${args.join(' ')}" failed (exit ${code}). The end of ${options.logFile}:\n${tail(options.logFile, 30)}`);
	}
}

/** Runs `step`, logging "still <what>" at least every `everyMs`, so a long first start never looks stuck. */
export async function withProgress<T>(what: string, log: Log, step: () => Promise<T>, everyMs = 15_000): Promise<T> {
	const started = Date.now();
	const timer = setInterval(() => log(`  … still ${what} (${Math.round((Date.now() - started) / 1000)} s so far)`), everyMs);
	try {
		return await step();
	} finally {
		clearInterval(timer);
	}
}

export interface Finished {
	stdout: string;
	stderr: string;
	code: number | null;
	signal: NodeJS.Signals | null;
}

/** Runs a command to its end and returns what it printed and how it ended. */
export async function runCaptured(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
	const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	const drained = new Promise<void>((resolve) => child.stdout.once('end', () => resolve()));
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
	});
	// The last output may still be in the pipe; a grandchild holding it open must not hang us.
	await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1_000))]);
	return { stdout, stderr, code, signal };
}

export function failure(command: string, args: string[], finished: Finished): Error {
	const output = `${finished.stdout}\n${finished.stderr}`.trim().split('\n').slice(-20).join('\n');
	return new Error(`"${command} ${args.join(' ')}" failed (${finished.signal ?? `exit ${finished.code}`}):\n${output}`);
}

/** Runs a command and returns what it printed on stdout; rejects unless it exits with 0. */
export async function capture(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
	const finished = await runCaptured(command, args, options);
	if (finished.code !== 0) throw failure(command, args, finished);
	return finished.stdout;
}

export interface Service {
	child: ChildProcess;
	/** Resolves when the process has exited. */
	exited: Promise<number | null>;
	/** SIGTERM to the whole process group; SIGKILL after the grace period. */
	stop(graceMs?: number): Promise<void>;
}

/**
 * A detached watchdog: when the process that started the group dies, however it dies (SIGKILL
 * included, which no handler sees), it stops the group: SIGTERM, then SIGKILL after the grace
 * period. It exits once the group is gone, so a normal stop leaves nothing behind either.
 */
const WATCHDOG = `
const [parent, group, grace] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const signal = (name) => { try { process.kill(-group, name); } catch {} };
const timer = setInterval(() => {
	if (!alive(-group)) process.exit(0);
	if (alive(parent)) return;
	clearInterval(timer);
	signal('SIGTERM');
	setInterval(() => { if (!alive(-group)) process.exit(0); }, 200);
	setTimeout(() => { signal('SIGKILL'); process.exit(0); }, grace);
}, 500);
`;

export function watchParent(groupPid: number, graceMs: number): void {
	const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(groupPid), String(graceMs)], { detached: true, stdio: 'ignore' });
	watchdog.unref();
}

/** Starts a long-running process in its own process group, its output appended to a log file. */
export function startService(command: string, args: string[], options: StepOptions): Service {
	mkdirSync(dirname(options.logFile), { recursive: true });
	const out = createWriteStream(options.logFile, { flags: 'a' });
	const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	child.stdout?.pipe(out);
	child.stderr?.pipe(out);
	// Shorter than stop()'s grace: nobody waits for a clean shutdown once the starter is gone.
	if (child.pid) watchParent(child.pid, 5_000);
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const signal = (name: NodeJS.Signals): void => {
		try {
			if (child.pid) process.kill(-child.pid, name);
		} catch {
			// The group is gone already.
		}
	};
	return {
		child,
		exited,
		async stop(graceMs = 15_000) {
			if (child.exitCode !== null || child.signalCode !== null) return;
			signal('SIGTERM');
			const timer = setTimeout(() => signal('SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
			// Whatever the leader left behind in its group (a task runner) goes too.
			signal('SIGKILL');
		},
	};
}
