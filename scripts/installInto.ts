/**
 * `npm run install-into -- <folder>`: installs this package (built from these sources) into a
 * real n8n the way its Community Nodes installer does, without a second n8n-workflow. <folder>
 * is n8n's user folder (~/.n8n, or $N8N_USER_FOLDER/.n8n) or its nodes folder inside it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { installPackage } from './n8n/installPackage';
import { PACKAGE_NAME } from './support/packageRoot';

async function main(): Promise<void> {
	const given = process.argv[2];
	if (!given) throw new Error('Usage: npm run install-into -- <n8n user folder, e.g. ~/.n8n>');
	const folder = resolve(given);
	if (!existsSync(folder)) throw new Error(`${folder} does not exist: give the n8n user folder (where its database and config are).`);
	const nodesFolder = basename(folder) === 'nodes' ? folder : join(folder, 'nodes');
	mkdirSync(nodesFolder, { recursive: true });
	const logFile = join(nodesFolder, 'install-n8n-nodes-api-auth.log');
	console.log(`Installing ${PACKAGE_NAME} into ${nodesFolder} (log: ${logFile})…`);
	await installPackage(nodesFolder, logFile);
	console.log(`Done: ${join(nodesFolder, 'node_modules', PACKAGE_NAME)}. Restart n8n to load it.`);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
