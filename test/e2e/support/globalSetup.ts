/**
 * Starts what every end-to-end file uses, once: Chromium present, the runtime (Node 24, n8n
 * 2.40.7), the demo API, a fresh n8n user folder with the package and the demo imported, and
 * n8n itself. The owner is left unset: the browser test sets it up through the first-run screen.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoApi } from '../../../scripts/demo/api';
import { importDemo } from '../../../scripts/demo/importDemo';
import { type N8nSite, n8nUrl } from '../../../scripts/n8n/environment';
import { startN8n } from '../../../scripts/n8n/instance';
import { ensureRuntime } from '../../../scripts/runtime';
import { ensureChromium } from '../../../scripts/support/chromium';
import { packageRoot } from '../../../scripts/support/packageRoot';
import { saveContext } from './context';
import { setRunning, stopRunning } from './running';

const PORT_ENV = 'N8N_API_AUTH_E2E_PORT';
/** Short enough for a test to wait out, long enough for one run. */
const TOKEN_LIFETIME_SECONDS = 5;

export default async function globalSetup(): Promise<void> {
	const log = (line: string): void => void process.stdout.write(`[e2e] ${line}\n`);
	if (!existsSync(join(packageRoot(), 'dist', 'nodes', 'ApiAuthHttpRequest', 'ApiAuthHttpRequest.node.js'))) {
		throw new Error('The built package is missing: run "npm run build" first (npm run test:e2e does it for you).');
	}
	await ensureChromium(log);
	const runtime = await ensureRuntime(log);
	const site: N8nSite = { runtime, userFolder: mkdtempSync(join(tmpdir(), 'n8n-api-auth-e2e-')), port: Number(process.env[PORT_ENV] ?? 5690) };
	log(`n8n user folder: ${site.userFolder}`);
	const api = await startDemoApi({ n8nUrl: n8nUrl(site), tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS });
	setRunning({ api, userFolder: site.userFolder });
	try {
		await importDemo(site, api, log);
		const n8n = await startN8n(site, log);
		setRunning({ api, n8n, userFolder: site.userFolder });
		saveContext({ site, n8nUrl: n8n.url, apiUrl: api.apiUrl, oauthUrl: api.oauthUrl, caCert: api.caCert, tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS });
	} catch (error) {
		// Jest skips the global teardown when the setup fails.
		await stopRunning();
		throw error;
	}
}
