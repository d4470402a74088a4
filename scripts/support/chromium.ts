/**
 * Debian's Chromium for the browser tests: the test tools' own browser downloads cannot work on
 * a machine without internet, Debian's package can. Installed with apt-get when missing and
 * this process may (root); otherwise the message says what to run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../runtime';
import { type Log, runStep } from './processes';

export const CHROMIUM = process.env.N8N_API_AUTH_CHROMIUM ?? '/usr/bin/chromium';

export async function ensureChromium(log: Log): Promise<string> {
	if (existsSync(CHROMIUM)) return CHROMIUM;
	if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing. Install it with: sudo apt-get update && sudo apt-get install -y chromium`);
	log('Installing Debian\'s chromium with apt-get (once)…');
	const logFile = join(cacheDir(), 'logs', 'chromium-install.log');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await runStep('apt-get', ['update'], { env, logFile });
	await runStep('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env, logFile });
	if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing; see ${logFile}.`);
	return CHROMIUM;
}
