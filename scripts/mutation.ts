/**
 * `npm run test:mutation [--force] [module…]`: StrykerJS on each module of scripts/mutation.modules.json
 * in turn (one at a time: the runs are long and the machine is usually shared), then one line
 * per module with its mutation score. Run under Node 24 (Stryker 10 needs Node ≥ 22.18).
 * Exits non-zero when a run fails or a module scores below 85 %. `--force` re-tests every mutant
 * instead of reusing the incremental file's results: Stryker reuses a surviving static mutant's
 * result even after tests were added (it knows no test covering it), so run it after adding tests.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './support/packageRoot';

const GOAL = 85;

interface Report {
	files: Record<string, { mutants: Array<{ status: string }> }>;
}

/** Stryker's own score: killed and timed out over all mutants that compiled (survived and uncovered count against). */
function score(report: Report): { killed: number; survived: number; noCoverage: number; valid: number; percent: number } {
	const counts: Record<string, number> = {};
	for (const file of Object.values(report.files)) for (const mutant of file.mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
	const killed = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
	const survived = counts.Survived ?? 0;
	const noCoverage = counts.NoCoverage ?? 0;
	const valid = killed + survived + noCoverage;
	return { killed, survived, noCoverage, valid, percent: valid ? (100 * killed) / valid : 0 };
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
	const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
	return await new Promise<number>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code) => resolve(code ?? 1));
	});
}

async function main(): Promise<number> {
	const root = packageRoot();
	const modules = Object.keys(JSON.parse(readFileSync(join(root, 'scripts', 'mutation.modules.json'), 'utf8')) as Record<string, unknown>);
	const args = process.argv.slice(2);
	const force = args.includes('--force');
	const chosen = args.filter((arg) => arg !== '--force');
	const unknown = chosen.filter((name) => !modules.includes(name));
	if (unknown.length) throw new Error(`Unknown module(s) ${unknown.join(', ')}: choose from ${modules.join(', ')}`);
	const lines: string[] = [];
	let failed = false;
	for (const name of chosen.length ? chosen : modules) {
		const code = await run('stryker', force ? ['run', '--force'] : ['run'], { ...process.env, MUTATION_MODULE: name }, root);
		if (code !== 0) {
			failed = true;
			lines.push(`${name}: stryker exited with ${code}`);
			continue;
		}
		const report = JSON.parse(readFileSync(join(root, 'test-results', 'mutation', `${name}.json`), 'utf8')) as Report;
		const s = score(report);
		if (s.percent < GOAL) failed = true;
		lines.push(`${name}: ${s.percent.toFixed(1)} % killed (${s.killed} of ${s.valid}; ${s.survived} survived, ${s.noCoverage} without coverage)`);
	}
	console.log(['', 'Mutation scores (reports in test-results/mutation/):', ...lines].join('\n'));
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
