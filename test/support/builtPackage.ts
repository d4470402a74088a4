/**
 * Engine, queue and process tests run the built package (dist/), not the sources: a build older
 * than the sources would test yesterday's code and pass. This refuses to run them then.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** What tsconfig.build.json compiles: each file's output is dist/<same path>.js. */
const SOURCES = ['index.ts', 'credentials', 'nodes', 'lib', 'cli'];

function typeScriptFiles(path: string): string[] {
	if (!existsSync(path)) return [];
	if (!statSync(path).isDirectory()) return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
	return readdirSync(path).flatMap((name) => typeScriptFiles(join(path, name)));
}

/** Source files whose build output is missing or older than they are. */
export function staleOutputs(root = ROOT): string[] {
	return SOURCES.flatMap((entry) => typeScriptFiles(join(root, entry))).filter((source) => {
		const output = join(root, 'dist', relative(root, source).replace(/\.ts$/, '.js'));
		return !existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs;
	});
}

let checked = false;

export function assertBuildIsFresh(): void {
	if (checked) return;
	const stale = staleOutputs();
	if (stale.length > 0) {
		const names = stale.slice(0, 3).map((path) => relative(ROOT, path));
		throw new Error(
			`The built package (dist/) is missing or older than ${stale.length} source file(s), e.g. ${names.join(', ')}: ` +
				'run "npm run build" first (npm test does it for you).',
		);
	}
	checked = true;
}
