/**
 * One n8n instance of the tooling: its command line (imports, executions) and the server,
 * started in its own process group and awaited until it answers.
 */
import { join } from 'node:path';
import { portHolder } from '../support/ports';
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

/** Throws when the port is taken, naming the PID that holds it when the system shows it: checked before anything is imported. */
export async function assertN8nPortFree(site: N8nSite): Promise<void> {
	const url = n8nUrl(site);
	const holder = portHolder(site.port);
	const way = 'stop it first, or set N8N_API_AUTH_PORT to another port';
	if (holder) throw new Error(`Port ${site.port} for n8n is taken by PID ${holder.pid} (${holder.command.slice(0, 120)}): ${way}.`);
	if (await answers(`${url}/healthz`)) throw new Error(`Something already answers on ${url}: ${way}.`);
}

/**
 * `n8n start`, or a queue-mode `n8n worker` (`command: 'worker'`), which must then have its health
 * server on the site's port (QUEUE_HEALTH_CHECK_ACTIVE, QUEUE_HEALTH_CHECK_PORT): both answer
 * /healthz/readiness once ready.
 */
export async function startN8n(site: N8nSite, log: Log, timeoutMs = 180_000, command: 'start' | 'worker' = 'start'): Promise<RunningN8n> {
	const url = n8nUrl(site);
	await assertN8nPortFree(site);
	const serverLog = logFile(site, command === 'start' ? 'n8n' : 'n8n-worker');
	const service = startService(site.runtime.node, [site.runtime.n8nBin, command], { env: n8nEnvironment(site), logFile: serverLog });
	log(`Starting n8n ${command} (log: ${serverLog})…`);
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
