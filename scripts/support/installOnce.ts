/**
 * One install into a cache folder at a time. `npm start`, `npm test` and the end-to-end tests share
 * the runtime cache: started together on a fresh machine, the second must wait for the first, not
 * delete the folder it is installing into. The lock is a directory (mkdir is atomic) holding the
 * installer's pid; a lock whose process is gone is taken over.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './processes';

const COMPLETE = '.complete';
/** A lock without a pid yet is its creator writing it: broken only once this old. */
const PIDLESS_GRACE_MS = 10_000;

function isComplete(dir: string, stamp: string): boolean {
	try {
		return readFileSync(join(dir, COMPLETE), 'utf8') === stamp;
	} catch {
		return false;
	}
}

function holderAlive(lock: string): boolean {
	let pid: number;
	try {
		pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
	} catch {
		try {
			return Date.now() - statSync(lock).mtimeMs < PIDLESS_GRACE_MS;
		} catch {
			return false;
		}
	}
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export interface InstallOnceOptions {
	pollMs?: number;
}

/**
 * Runs `install` unless `dir` already holds `stamp`; marks it complete afterwards. While another
 * process installs the same folder, waits for it and then uses (or, if it failed, redoes) its work.
 */
export async function installOnce(dir: string, stamp: string, log: Log, install: () => Promise<void>, options: InstallOnceOptions = {}): Promise<void> {
	const lock = `${dir}.installing`;
	let told = false;
	while (!isComplete(dir, stamp)) {
		try {
			mkdirSync(lock);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			if (!holderAlive(lock)) {
				rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!told) log(`Another process is installing into ${dir}; waiting for it…`);
			told = true;
			await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
			continue;
		}
		try {
			writeFileSync(join(lock, 'pid'), String(process.pid));
			if (!isComplete(dir, stamp)) {
				await install();
				writeFileSync(join(dir, COMPLETE), stamp);
			}
		} finally {
			rmSync(lock, { recursive: true, force: true });
		}
	}
}
