/**
 * What `npm start` leaves behind when it is killed: services it starts (n8n and its task runner,
 * here stand-ins that ignore SIGTERM or not) are in their own process group and watched, so a
 * SIGKILLed starter leaves no process alive within 15 s (asserted by PID, not by name); a pid
 * file lets the next start stop a leftover group. Uses the built tooling (npm run build:tools).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60_000);

/** Groups a test started: killed afterwards whatever the outcome, so a failing test leaves nothing either. */
const groups: number[] = [];
afterEach(() => {
	for (const pid of groups.splice(0)) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// Gone already, as it should be.
		}
	}
});

const TOOLS = join(__dirname, '..', '..', '.cache', 'tools', 'scripts', 'support');

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (check()) return true;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return check();
}

/** A starter process that starts `shell` as a service and prints its PID. */
async function starter(shell: string): Promise<{ starter: ChildProcess; service: number }> {
	const dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
	const code = `
		const { startService } = require(${JSON.stringify(join(TOOLS, 'processes.js'))});
		const service = startService('sh', ['-c', ${JSON.stringify(shell)}], { logFile: ${JSON.stringify(join(dir, 'service.log'))} });
		console.log(service.child.pid);
		setInterval(() => {}, 1000);
	`;
	const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
	const pid = await new Promise<number>((resolve) => child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
	return { starter: child, service: pid };
}

it.each<[string, string]>([
	['a service and the child it started (n8n and its task runner)', 'sleep 300 & sleep 300; wait'],
	['a service that ignores SIGTERM (n8n did for over 70 s)', "trap '' TERM; sleep 300 & wait"],
])('a SIGKILLed starter leaves no process of %s alive within 15 s', async (_name, shell) => {
	const { starter: parent, service } = await starter(shell);
	groups.push(service);
	expect(groupAlive(service)).toBe(true);
	const started = Date.now();
	parent.kill('SIGKILL');
	expect(await until(() => !groupAlive(service), 15_000)).toBe(true);
	expect(Date.now() - started).toBeLessThan(15_000);
});

it('the next start stops a leftover group named in the pid file', async () => {
	const { stopLeftover } = require(join(TOOLS, 'pidFile.js')) as typeof import('../../scripts/support/pidFile');
	const marker = `leftover-marker-${process.pid}`;
	const leftover = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { detached: true, stdio: 'ignore' });
	groups.push(leftover.pid as number);
	await until(() => groupAlive(leftover.pid as number), 5_000);
	const file = join(mkdtempSync(join(tmpdir(), 'supervisor-')), 'n8n.pid');
	writeFileSync(file, `${leftover.pid}\n`);
	const lines: string[] = [];
	await stopLeftover(file, marker, (line) => lines.push(line), 5_000);
	expect(lines).toEqual([`Stopping the n8n an earlier start left running (PID ${leftover.pid})…`]);
	expect(groupAlive(leftover.pid as number)).toBe(false);
});

it('a pid file whose PID now runs something else is left alone', async () => {
	const { stopLeftover } = require(join(TOOLS, 'pidFile.js')) as typeof import('../../scripts/support/pidFile');
	const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
	groups.push(other.pid as number);
	const file = join(mkdtempSync(join(tmpdir(), 'supervisor-')), 'n8n.pid');
	writeFileSync(file, `${other.pid}\n`);
	await stopLeftover(file, 'n8n-marker-that-is-not-there', () => {}, 1_000);
	expect(groupAlive(other.pid as number)).toBe(true);
});
