/**
 * npm run bench: the benchmark (bench/run.ts) on the Node running this script, then on Node 24
 * (the cached one when this Node is older) with n8n's default expression engine, isolated-vm.
 * Each run prints its Node version and expression engine; the exit code is non-zero when either
 * missed a goal or failed. Arguments: `node24` or `current` runs only that one; `profile [lane]
 * [rounds]` runs bench/profile.ts on Node 24 instead (npm run bench:profile).
 */
import { spawn } from 'node:child_process';
import { ensureIsolatedVm } from './isolatedVm';
import { ensureNode24 } from './runtime';
import { packageRoot } from './support/packageRoot';

const BENCH = ['--expose-gc', '-r', './bench/register.js', 'bench/run.ts'];
const PROFILE = ['-r', './bench/register.js', 'bench/profile.ts'];

function runNode(node: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
	const child = spawn(node, args, { cwd, env, stdio: 'inherit' });
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
	});
}

async function main(): Promise<number> {
	const [only, ...rest] = process.argv.slice(2);
	if (only && only !== 'node24' && only !== 'current' && only !== 'profile') throw new Error('Usage: bench [node24|current|profile [lane] [rounds]]');
	const root = packageRoot();
	const node24 = async (): Promise<{ node: string; env: NodeJS.ProcessEnv }> => {
		const runtime = await ensureNode24();
		await ensureIsolatedVm(root, runtime.node, runtime.path, runtime.root, console.log);
		return { node: runtime.node.node, env: { ...process.env, PATH: runtime.path } };
	};
	if (only === 'profile') {
		const { node, env } = await node24();
		return await runNode(node, [...PROFILE, ...rest], env, root);
	}
	const codes: number[] = [];
	const olderNode = Number(process.versions.node.split('.')[0]) < 24;
	if (only !== 'node24' && olderNode) codes.push(await runNode(process.execPath, BENCH, process.env, root));
	if (only !== 'current' || !olderNode) {
		const { node, env } = await node24();
		codes.push(await runNode(node, BENCH, env, root));
	}
	return Math.max(0, ...codes);
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
