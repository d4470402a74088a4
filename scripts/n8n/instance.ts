/**
 * One n8n instance of the tooling: its command line (imports, executions) and the server,
 * started in its own process group and awaited until it answers.
 */
import { join } from 'node:path';
import { type Finished, type Log, runCaptured, runStep, type Service, startService, withProgress } from '../support/processes';
import { n8nEnvironment, type N8nSite, n8nUrl } from './environment';

export function logFile(site: N8nSite, name: string): string {
	return join(site.userFolder, 'logs', `${name}.log`);
}

/** Runs an n8n command (import:credentials, …) to completion; its output goes to the cli log. */
export async function n8nCommand(site: N8nSite, args: string[]): Promise<void> {
	await runStep(site.runtime.node, [site.runtime.n8nBin, ...args], { env: n8nEnvironment(site, 'cli'), logFile: logFile(site, 'n8n-cli') });
}

/** Runs an n8n command and returns what it printed and how it ended. */
export async function n8nRun(site: N8nSite, args: string[]): Promise<Finished> {
	return await runCaptured(site.runtime.node, [site.runtime.n8nBin, ...args], { env: n8nEnvironment(site, 'cli') });
}

export interface RunningN8n {
	url: string;
	service: Service;
	stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
		return response.ok;
	} catch {
		return false;
	}
}

/** Throws when the port is taken: checked before anything is imported, so nothing else changes. */
export async function assertN8nPortFree(site: N8nSite): Promise<void> {
	const url = n8nUrl(site);
	if (await answers(`${url}/healthz`)) throw new Error(`Something already answers on ${url}: stop it first (or choose another port).`);
}

export async function startN8n(site: N8nSite, log: Log, timeoutMs = 180_000): Promise<RunningN8n> {
	const url = n8nUrl(site);
	await assertN8nPortFree(site);
	const serverLog = logFile(site, 'n8n');
	const service = startService(site.runtime.node, [site.runtime.n8nBin, 'start'], { env: n8nEnvironment(site), logFile: serverLog });
	log(`Starting n8n (log: ${serverLog})…`);
	const started = Date.now();
	let exited = false;
	void service.exited.then(() => (exited = true));
	// The first start migrates a fresh database: a minute or more with nothing in the terminal otherwise.
	await withProgress('waiting for n8n to be ready', log, async () => {
		while (!(await answers(`${url}/healthz/readiness`))) {
			if (exited) throw new Error(`n8n exited while starting; see ${serverLog}.`);
			if (Date.now() - started > timeoutMs) {
				await service.stop();
				throw new Error(`n8n did not become ready within ${timeoutMs / 1000} s; see ${serverLog}.`);
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	});
	log(`n8n is ready after ${Math.round((Date.now() - started) / 1000)} s.`);
	return { url, service, stop: () => service.stop() };
}
