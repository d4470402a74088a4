/**
 * The runtime cache's install lock (scripts/support/installOnce.ts) on a real folder: concurrent
 * installers of one folder install once, a lock left by a dead process is taken over, and a
 * failed install is redone by the next caller, never marked complete.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installOnce } from '../../scripts/support/installOnce';

let root: string;
let dir: string;
beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'install-once-'));
	dir = join(root, 'tool-1.0');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const quiet = () => undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An install that takes a while and counts how often it ran. */
function countingInstall(counter: string) {
	return async () => {
		mkdirSync(dir, { recursive: true });
		writeFileSync(counter, 'x', { flag: 'a' });
		await sleep(150);
	};
}

it('three callers at once: one installs, the others wait and find it complete', async () => {
	const counter = join(root, 'runs');
	const lines: string[] = [];
	await Promise.all([0, 1, 2].map(() => installOnce(dir, 'v1', (line) => lines.push(line), countingInstall(counter), { pollMs: 20 })));
	expect(readFileSync(counter, 'utf8')).toBe('x');
	expect(readFileSync(join(dir, '.complete'), 'utf8')).toBe('v1');
	expect(lines.filter((l) => l.includes('Another process is installing'))).toHaveLength(2);
	expect(existsSync(`${dir}.installing`)).toBe(false);
});

it('a complete folder is not installed again; another stamp is', async () => {
	const counter = join(root, 'runs');
	await installOnce(dir, 'v1', quiet, countingInstall(counter));
	await installOnce(dir, 'v1', quiet, countingInstall(counter));
	expect(readFileSync(counter, 'utf8')).toBe('x');
	await installOnce(dir, 'v2', quiet, countingInstall(counter));
	expect(readFileSync(counter, 'utf8')).toBe('xx');
});

it('a lock left by a process that died is taken over', async () => {
	const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
	mkdirSync(`${dir}.installing`);
	writeFileSync(join(`${dir}.installing`, 'pid'), String(dead));
	const counter = join(root, 'runs');
	await installOnce(dir, 'v1', quiet, countingInstall(counter), { pollMs: 20 });
	expect(readFileSync(counter, 'utf8')).toBe('x');
});

it('a failed install is not marked complete, and a waiter redoes it', async () => {
	const counter = join(root, 'runs');
	const failing = installOnce(dir, 'v1', quiet, async () => {
		await sleep(100);
		throw new Error('registry unreachable');
	});
	const waiting = installOnce(dir, 'v1', quiet, countingInstall(counter), { pollMs: 20 });
	await expect(failing).rejects.toThrow('registry unreachable');
	await waiting;
	expect(readFileSync(counter, 'utf8')).toBe('x');
	expect(readFileSync(join(dir, '.complete'), 'utf8')).toBe('v1');
});
