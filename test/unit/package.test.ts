/** The package as n8n and npm see it (built: dist/): manifest, exports, and what `npm pack` ships. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuildIsFresh } from '../support/builtPackage';

assertBuildIsFresh();

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

it('declares the n8n manifest, with every listed file built', () => {
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
	for (const file of [...pkg.n8n.credentials, ...pkg.n8n.nodes]) expect(existsSync(join(root, file))).toBe(true);
	expect(pkg.peerDependencies).toHaveProperty('n8n-workflow');
	expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['axios', 'simple-oauth2']));
});

it('index exports every credential and node class listed in the manifest', () => {
	const index = require(join(root, 'dist', 'index.js'));
	const classes = [...pkg.n8n.credentials, ...pkg.n8n.nodes].map((file: string) => file.split('/').pop()?.split('.')[0]);
	for (const name of classes) expect(typeof index[name as string]).toBe('function');
});

it('every credential has an icon for light and dark and a documentation URL', () => {
	for (const file of pkg.n8n.credentials as string[]) {
		const module = require(join(root, file));
		const credential = new (Object.values(module)[0] as new () => { icon: { light: string; dark: string }; documentationUrl: string; properties: Array<{ type: string; description?: string; displayName: string }> })();
		for (const icon of [credential.icon.light, credential.icon.dark]) expect(existsSync(join(root, file, '..', icon.replace('file:', '')))).toBe(true);
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
	}
});

it('npm pack ships only built files, README and LICENSE (and package.json)', () => {
	const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
	const files: string[] = packed.files.map((f: { path: string }) => f.path);
	expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/index.js']));
	expect(files.filter((f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(f))).toEqual([]);
});
