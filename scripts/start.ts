/**
 * `npm start`: n8n 2.40.7 with this package and a demo, on http://localhost:5678, in one command.
 * Ensures the runtime (Node 24, n8n), starts the demo API, installs the package and imports the
 * demo credentials and workflows into a user folder in the cache, starts n8n, sets up the demo
 * owner, and prints how to log in. SIGINT, SIGTERM and SIGHUP stop n8n and the demo API; a
 * watchdog stops n8n if this script dies without them (SIGKILL), and the next start stops an n8n
 * a killed run left behind (pid file in the user folder) before it imports anything. The demo API
 * has fixed ports (5443, 5444) and a CA kept in the user folder, so a user's own demo credentials
 * survive a restart.
 */
import { join } from 'node:path';
import { type DemoApi, startDemoApi } from './demo/api';
import { DEMO_CASES } from './demo/fixtures';
import { importDemo } from './demo/importDemo';
import { demoPki } from './demo/pki';
import { type N8nSite, n8nUrl } from './n8n/environment';
import { assertN8nPortFree, type RunningN8n, startN8n } from './n8n/instance';
import { DEMO_OWNER, ensureOwner } from './n8n/owner';
import { ensureRuntime } from './runtime';
import { removePidFile, stopLeftover, writePidFile } from './support/pidFile';
import { portFromEnv } from './support/ports';
import { makePrivateFolder } from './support/privateFolder';

const PORT_ENV = 'N8N_API_AUTH_PORT';
const DEMO_API_PORT_ENV = 'N8N_API_AUTH_DEMO_API_PORT';
const DEMO_OAUTH_PORT_ENV = 'N8N_API_AUTH_DEMO_OAUTH_PORT';
/** n8n's user folder (database, pid file, the demo CA): default `<cache>/demo`; tests give their own. */
const FOLDER_ENV = 'N8N_API_AUTH_DEMO_FOLDER';

function log(line: string): void {
	console.log(line);
}

async function main(): Promise<void> {
	let api: DemoApi | undefined;
	let n8n: RunningN8n | undefined;
	let pidFile: string | undefined;
	let stopping = false;
	const stop = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		log('\nStopping n8n and the demo API…');
		await n8n?.stop();
		await api?.close();
		if (pidFile) removePidFile(pidFile);
		process.exit(code);
	};
	// From the first line: a signal during the install or the import stops what started so far.
	for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => void stop(0));
	// npm's script shell `exec`s this script, so npm's forwarded signals reach it; should npm itself be
	// killed outright, this script is re-parented: it stops too instead of running on as an orphan.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) void stop(0);
	}, 1_000).unref();

	const env = process.env;
	const port = portFromEnv(env, PORT_ENV, 5678);
	const ports = {
		api: { port: portFromEnv(env, DEMO_API_PORT_ENV, 5443), envName: DEMO_API_PORT_ENV },
		oauth: { port: portFromEnv(env, DEMO_OAUTH_PORT_ENV, 5444), envName: DEMO_OAUTH_PORT_ENV },
	};
	const runtime = await ensureRuntime(log);
	const site: N8nSite = { runtime, userFolder: env[FOLDER_ENV] || join(runtime.cacheDir, 'demo'), port };
	log(`n8n user folder: ${site.userFolder}`);
	makePrivateFolder(site.userFolder);
	pidFile = join(site.userFolder, 'n8n.pid');

	try {
		await stopLeftover(pidFile, site.runtime.n8nBin, log);
		await assertN8nPortFree(site);
		const pki = await demoPki(join(site.userFolder, 'pki'));
		log(pki.made ? 'Made the demo CA (kept in the cache for the next starts).' : 'Demo CA: the one kept in the cache.');
		api = await startDemoApi({ n8nUrl: n8nUrl(site), ports, pki });
		log(`Demo API: ${api.apiUrl} (bearer, API key, basic), OAuth2 server: ${api.oauthUrl}`);
		await importDemo(site, api, log);
		n8n = await startN8n(site, log);
		if (n8n.service.child.pid) writePidFile(pidFile, n8n.service.child.pid);
		if (await ensureOwner(n8n.url, DEMO_OWNER)) log('Owner account created.');
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		await stop(1);
		return;
	}
	void n8n.service.exited.then((code) => {
		if (!stopping) {
			console.error(`n8n exited (code ${code}).`);
			void stop(1);
		}
	});

	log('');
	log(`  n8n with n8n-nodes-api-auth: ${n8n.url}`);
	log(`  Log in with ${DEMO_OWNER.email} / ${DEMO_OWNER.password}`);
	log(`  Demo workflows: ${DEMO_CASES.map((c) => c.workflowName).join(', ')}`);
	log('  Open one and press "Execute workflow". Ctrl-C stops everything.');
	log('');
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
