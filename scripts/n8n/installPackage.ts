/**
 * Puts this package into an n8n user folder the way n8n's Community Nodes installer does: the
 * packed tarball (so only what `files` publishes), extracted into the nodes folder's
 * node_modules, its dev, peer and optional dependencies dropped, and its runtime dependencies
 * installed beside it. n8n then loads it under its package name, with n8n's own n8n-workflow.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_NAME, packageRoot } from '../support/packageRoot';
import { capture, runStep } from '../support/processes';

/** What n8n's installer removes from the manifest before installing the dependencies. */
const DROPPED_FIELDS = ['devDependencies', 'peerDependencies', 'optionalDependencies'];

export async function installPackage(nodesFolder: string, logFile: string): Promise<void> {
	const scratch = mkdtempSync(join(tmpdir(), 'n8n-api-auth-pack-'));
	try {
		const tarball = (await capture('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: packageRoot() })).trim().split('\n').pop() as string;
		const target = join(nodesFolder, 'node_modules', PACKAGE_NAME);
		rmSync(target, { recursive: true, force: true });
		mkdirSync(target, { recursive: true });
		await runStep('tar', ['-xzf', join(scratch, tarball), '-C', target, '--strip-components=1'], { logFile });
		const manifestPath = join(target, 'package.json');
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
		for (const field of DROPPED_FIELDS) delete manifest[field];
		writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
		await runStep(
			'npm',
			['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--prefer-offline', '--no-update-notifier'],
			{ cwd: target, logFile },
		);
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}
