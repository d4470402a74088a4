/**
 * Loads the demo into an n8n user folder through n8n's own command line: the package (as the
 * Community Nodes installer would), the demo credentials and the demo workflows; and makes n8n
 * trust the demo API's CA for its OAuth2 callback.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extraCaFile, nodesFolder, type N8nSite } from '../n8n/environment';
import { installPackage } from '../n8n/installPackage';
import { logFile, n8nCommand } from '../n8n/instance';
import type { Log } from '../support/processes';
import type { DemoApi } from './api';
import { DEMO_CASES, demoCredentials, demoWorkflow } from './fixtures';

export async function importDemo(site: N8nSite, api: DemoApi, log: Log): Promise<void> {
	log('Installing the package into n8n\'s nodes folder (as Settings → Community Nodes would)…');
	mkdirSync(nodesFolder(site), { recursive: true });
	await installPackage(nodesFolder(site), logFile(site, 'package-install'));
	writeFileSync(extraCaFile(site), api.caCert);

	// The files hold the demo secrets in clear: a private folder, removed right after the import.
	const scratch = mkdtempSync(join(tmpdir(), 'n8n-api-auth-demo-'));
	try {
		const credentials = join(scratch, 'credentials.json');
		writeFileSync(credentials, JSON.stringify(demoCredentials(api)), { mode: 0o600 });
		const workflows = join(scratch, 'workflows');
		mkdirSync(workflows);
		for (const c of DEMO_CASES) writeFileSync(join(workflows, `${c.key}.json`), JSON.stringify(demoWorkflow(c)));
		log(`Importing ${DEMO_CASES.length} demo credentials and ${DEMO_CASES.length} demo workflows…`);
		await n8nCommand(site, ['import:credentials', `--input=${credentials}`]);
		await n8nCommand(site, ['import:workflow', '--separate', `--input=${workflows}`]);
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}
