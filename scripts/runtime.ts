/**
 * What `npm start`, the end-to-end tests and `npm run test:node24` need beyond the package's own
 * dependencies, installed once into a cache outside the sources and reused afterwards:
 *   - Node 24 (n8n 2.x requires it), from the registry package node-<platform>-<arch>, when the
 *     Node running this script is older;
 *   - the n8n application, installed without install scripts, then its sqlite3 add-on built for
 *     Node 24 against the headers that Node package ships (the machine's npm config may point
 *     native builds at another Node's headers via nodedir). isolated-vm (n8n's expression
 *     engine and task runner sandbox) needs no build: its package ships a prebuilt add-on for
 *     Node 24 on linux-x64 glibc, which is checked to load. Other add-ons n8n lists are optional
 *     or used only by nodes the demo does not run.
 * Run directly, it installs and prints where everything is.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { installOnce } from './support/installOnce';
import { capture, type Log, runStep, withProgress } from './support/processes';

export const NODE_VERSION = '24.21.0';
export const N8N_VERSION = '2.40.7';

/** Environment variable that moves the cache. */
export const CACHE_ENV = 'N8N_API_AUTH_CACHE';

export interface Runtime {
	cacheDir: string;
	/** The Node 24 binary. */
	node: string;
	/** The n8n command-line entry point, run with `node`. */
	n8nBin: string;
	/** PATH with Node 24 first, for child processes that call `node`. */
	path: string;
}

export function cacheDir(): string {
	const configured = process.env[CACHE_ENV];
	if (configured) return configured;
	return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'n8n-nodes-api-auth');
}

/** A folder that npm installs into: its own package.json, so no project config applies. */
function freshInstallDir(dir: string, dependencies: Record<string, string>): void {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies }, null, '\t'));
}

const npmInstall = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=warn'];

async function ensureNode(root: string, log: Log): Promise<{ node: string; home: string }> {
	if (Number(process.versions.node.split('.')[0]) >= 24) {
		log(`Node ${process.version} (this one) is recent enough.`);
		return { node: process.execPath, home: dirname(dirname(process.execPath)) };
	}
	const pkg = `node-${process.platform}-${process.arch}`;
	const dir = join(root, `node-v${NODE_VERSION}`);
	const home = join(dir, 'node_modules', pkg);
	const node = join(home, 'bin', 'node');
	await installOnce(dir, NODE_VERSION, log, async () => {
		log(`Installing Node ${NODE_VERSION} from the npm package ${pkg} (once)…`);
		freshInstallDir(dir, { [pkg]: NODE_VERSION });
		await withProgress(`installing Node ${NODE_VERSION}`, log, () => runStep('npm', npmInstall, { cwd: dir, logFile: join(root, 'logs', 'node-install.log') }));
		if (!existsSync(join(home, 'include', 'node', 'node_api.h'))) throw new Error(`${pkg}@${NODE_VERSION} has no include/node headers: sqlite3 cannot be built against it.`);
	});
	const version = (await capture(node, ['--version'])).trim();
	if (version !== `v${NODE_VERSION}`) throw new Error(`${node} reports ${version}, expected v${NODE_VERSION}. Delete ${dir} and try again.`);
	log(`Node ${version}: ${node}`);
	return { node, home };
}

async function ensureN8n(root: string, node: { node: string; home: string }, path: string, log: Log): Promise<string> {
	const dir = join(root, `n8n-${N8N_VERSION}`);
	const stamp = `${N8N_VERSION} node-${NODE_VERSION}`;
	const modules = join(dir, 'node_modules');
	const logFile = join(root, 'logs', 'n8n-install.log');
	await installOnce(dir, stamp, log, async () => {
		log(`Installing n8n ${N8N_VERSION} without install scripts (once; 3–5 minutes, more on a busy machine; log: ${logFile})…`);
		const started = Date.now();
		freshInstallDir(dir, { n8n: N8N_VERSION });
		await withProgress(`downloading and installing n8n ${N8N_VERSION} with npm`, log, () => runStep('npm', npmInstall, { cwd: dir, logFile }));
		log(`  installed in ${Math.round((Date.now() - started) / 1000)} s; building sqlite3 for Node ${NODE_VERSION} (about 2 minutes)…`);
		// Scripts on for this one package; headers of Node 24; no download of a prebuilt binary.
		await withProgress('compiling sqlite3', log, () =>
			runStep('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--build-from-source', `--nodedir=${node.home}`, '--no-update-notifier'], {
				cwd: dir,
				logFile,
				env: { ...process.env, PATH: path, npm_config_nodedir: node.home },
			}),
		);
		for (const addon of ['sqlite3', 'isolated-vm']) {
			await capture(node.node, ['-e', `require(${JSON.stringify(join(modules, addon))})`], { cwd: dir });
		}
		log(`  n8n installed and built in ${Math.round((Date.now() - started) / 1000)} s.`);
	});
	const bin = join(modules, 'n8n', 'bin', 'n8n');
	if (!existsSync(bin)) throw new Error(`${bin} is missing. Delete ${dir} and try again.`);
	log(`n8n ${N8N_VERSION}: ${bin}`);
	return bin;
}

/** Node 24 alone (for the engine tests on Node 24): no n8n install. */
export async function ensureNode24(log: Log = console.log): Promise<{ root: string; node: { node: string; home: string }; path: string }> {
	const root = cacheDir();
	mkdirSync(root, { recursive: true });
	log(`Runtime cache: ${root} (set ${CACHE_ENV} to move it)`);
	const node = await ensureNode(root, log);
	return { root, node, path: [dirname(node.node), process.env.PATH ?? ''].join(delimiter) };
}

export async function ensureRuntime(log: Log = console.log): Promise<Runtime> {
	const { root, node, path } = await ensureNode24(log);
	const n8nBin = await ensureN8n(root, node, path, log);
	return { cacheDir: root, node: node.node, n8nBin, path };
}

if (require.main === module) {
	ensureRuntime().catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
