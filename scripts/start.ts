/**
 * `npm start`: n8n 2.40.7 with this package and a demo, on http://localhost:5678, in one command.
 * Ensures the runtime (Node 24, n8n), starts the demo API, installs the package and imports the
 * demo credentials and workflows into a user folder in the cache, starts n8n, sets up the demo
 * owner, and prints how to log in. Ctrl-C stops n8n and the demo API.
 */
import { join } from 'node:path';
import { startDemoApi } from './demo/api';
import { DEMO_CASES } from './demo/fixtures';
import { importDemo } from './demo/importDemo';
import { type N8nSite, n8nUrl } from './n8n/environment';
import { type RunningN8n, startN8n } from './n8n/instance';
import { DEMO_OWNER, ensureOwner } from './n8n/owner';
import { ensureRuntime } from './runtime';

const PORT_ENV = 'N8N_API_AUTH_PORT';

function log(line: string): void {
	console.log(line);
}

async function main(): Promise<void> {
	const runtime = await ensureRuntime(log);
	const site: N8nSite = { runtime, userFolder: join(runtime.cacheDir, 'demo'), port: Number(process.env[PORT_ENV] ?? 5678) };
	log(`n8n user folder: ${site.userFolder}`);

	const api = await startDemoApi({ n8nUrl: n8nUrl(site) });
	let n8n: RunningN8n | undefined;
	let stopping = false;
	const stop = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		log('\nStopping n8n and the demo API…');
		await n8n?.stop();
		await api.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	log(`Demo API: ${api.apiUrl} (bearer, API key, basic), OAuth2 server: ${api.oauthUrl}`);

	try {
		await importDemo(site, api, log);
		n8n = await startN8n(site, log);
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
