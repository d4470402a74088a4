/**
 * isolated-vm (n8n's default expression engine) in the package's own node_modules, loadable by
 * Node 24, for the benchmark under n8n's engine. The project installs with ignore-scripts, so
 * no add-on is built at install: isolated-vm 7 ships prebuilt add-ons for Node 24 (ABI 137) on
 * linux x64/arm64 (glibc and musl), macOS arm64 and Windows x64, which load as they are. On any
 * other platform the add-on is compiled once against the headers of the cached Node 24 (as
 * runtime.ts does for n8n's sqlite3), then checked again.
 */
import { join } from 'node:path';
import { runCaptured, runStep, type Log, withProgress } from './support/processes';

async function loads(node: string, root: string): Promise<string | undefined> {
	const probe = "const ivm = require('isolated-vm'); const i = new ivm.Isolate(); i.compileScriptSync('1').runSync(i.createContextSync()); i.dispose();";
	const { code, stderr } = await runCaptured(node, ['-e', probe], { cwd: root });
	return code === 0 ? undefined : stderr.trim().split('\n').slice(-3).join(' ');
}

export async function ensureIsolatedVm(root: string, node: { node: string; home: string }, path: string, cacheDir: string, log: Log): Promise<void> {
	const problem = await loads(node.node, root);
	if (!problem) return;
	log(`isolated-vm does not load on Node 24 here (${problem}); building it from source for Node 24 (once; a few minutes)…`);
	const logFile = join(cacheDir, 'logs', 'isolated-vm-build.log');
	await withProgress('compiling isolated-vm', log, () =>
		runStep('npm', ['rebuild', 'isolated-vm', '--ignore-scripts=false', '--build-from-source', `--nodedir=${node.home}`, '--no-update-notifier'], {
			cwd: root,
			logFile,
			env: { ...process.env, PATH: path, npm_config_nodedir: node.home },
		}),
	);
	const still = await loads(node.node, root);
	if (still) throw new Error(`isolated-vm still does not load on Node 24 after the build (${still}); see ${logFile}.`);
	log('  isolated-vm built for Node 24.');
}
