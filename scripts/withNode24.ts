/**
 * Runs a command from node_modules/.bin with Node 24 first on PATH (installed into the cache
 * when the system Node is older): `npm run test:node24` runs the engine tests this way, so the
 * built package is proven on the system Node and on Node 24.
 */
import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { ensureNode24 } from './runtime';
import { capture } from './support/processes';
import { packageRoot } from './support/packageRoot';

async function main(): Promise<number> {
	const [command, ...args] = process.argv.slice(2);
	if (!command) throw new Error('Usage: withNode24 <command> [arguments…]');
	const runtime = await ensureNode24();
	const env = { ...process.env, PATH: [join(packageRoot(), 'node_modules', '.bin'), runtime.path].join(delimiter) };
	console.log(`Running "${command} ${args.join(' ')}" with node ${(await capture('node', ['--version'], { env })).trim()}`);
	const child = spawn(command, args, { env, stdio: 'inherit' });
	return await new Promise<number>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
	});
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
