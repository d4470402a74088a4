/**
 * `npm start`'s demo user folder (n8n's database, encryption key, logs) is private to its user.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateFolder } from '../../scripts/support/privateFolder';

const root = mkdtempSync(join(tmpdir(), 'n8n-api-auth-private-'));
const initialUmask = process.umask();
afterAll(() => {
	process.umask(initialUmask);
	rmSync(root, { recursive: true, force: true });
});
const modeOf = (path: string) => statSync(path).mode & 0o777;

it('a folder left open by an earlier run becomes 700; files and folders made afterwards, also by child processes, are private', async () => {
	process.umask(0o022);
	const folder = join(root, 'demo');
	mkdirSync(folder, { mode: 0o755 });
	writeFileSync(join(folder, 'old.log'), 'x');
	makePrivateFolder(folder);
	expect(modeOf(folder)).toBe(0o700);

	// As the demo's log files are written, and as n8n (a child process) makes its database.
	mkdirSync(join(folder, 'logs'));
	const log = createWriteStream(join(folder, 'logs', 'n8n.log'), { flags: 'a' });
	await new Promise<void>((resolve) => log.end('line\n', resolve));
	expect(spawnSync('sh', ['-c', 'mkdir .n8n && echo db > .n8n/database.sqlite'], { cwd: folder }).status).toBe(0);
	expect(modeOf(join(folder, 'logs'))).toBe(0o700);
	expect(modeOf(join(folder, 'logs', 'n8n.log'))).toBe(0o600);
	expect(modeOf(join(folder, '.n8n'))).toBe(0o700);
	expect(modeOf(join(folder, '.n8n', 'database.sqlite'))).toBe(0o600);
});

it('a new folder is made 700', () => {
	process.umask(0o022);
	const folder = join(root, 'fresh', 'demo');
	makePrivateFolder(folder);
	expect(modeOf(folder)).toBe(0o700);
});
