/**
 * The file store's folder: made private (0700), and an existing one open to other users narrowed.
 */
import { chmodSync, mkdirSync, mkdtempSync, promises, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTokenStore } from '../../lib/stores/fileStore';
import type { Logger } from '../../lib/services';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function recordingLogger(): Logger & { warnings: string[] } {
	const warnings: string[] = [];
	return { warnings, debug: () => undefined, info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
}

function tokenFolder(): string {
	const root = mkdtempSync(join(tmpdir(), 'n8n-api-auth-filestore-'));
	roots.push(root);
	return join(root, 'api-auth', 'tokens');
}

const state = { accessToken: 'a', expiresAt: Date.now() + 60_000, obtainedAt: Date.now(), expirySource: 'expires_in' as const };
const modeOf = (path: string) => statSync(path).mode & 0o777;

it('a new token folder is private to its owner', async () => {
	const dir = tokenFolder();
	const logger = recordingLogger();
	await new FileTokenStore(dir, 'file-test-key', logger).setState(KEY, state);
	expect(modeOf(dir)).toBe(0o700);
	expect(modeOf(join(dir, `${KEY}.token`))).toBe(0o600);
	expect(logger.warnings).toEqual([]);
});

it.each(['755', '777', '710'])('an existing folder with mode %s is narrowed to 700, with a warning', async (octal) => {
	const mode = parseInt(octal, 8);
	const dir = tokenFolder();
	mkdirSync(dir, { recursive: true });
	chmodSync(dir, mode);
	const logger = recordingLogger();
	const store = new FileTokenStore(dir, 'file-test-key', logger);
	await store.setState(KEY, state);
	expect(modeOf(dir)).toBe(0o700);
	expect(logger.warnings).toEqual([`API Auth: the token folder ${dir} was open to other users (mode ${octal}); it is now 700`]);
	expect((await store.getState(KEY))?.accessToken).toBe('a');
});

it.each([
	['EPERM', Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' })],
	['error', new Error('refused without a code')],
])('a folder open to others that cannot be narrowed (owned by another user) is reported with the fix (%s), and the store still works', async (named, refused) => {
	const dir = tokenFolder();
	mkdirSync(dir, { recursive: true });
	chmodSync(dir, 0o755);
	// The tests run as root, whom chmod never refuses: the refusal a non-owner gets is played by Node's fs.
	const chmod = jest.spyOn(promises, 'chmod').mockRejectedValueOnce(refused);
	try {
		const logger = recordingLogger();
		const store = new FileTokenStore(dir, 'file-test-key', logger);
		await store.setState(KEY, state);
		expect(chmod).toHaveBeenCalledWith(dir, 0o700);
		expect(modeOf(dir)).toBe(0o755);
		expect(logger.warnings).toEqual([`API Auth: the token folder ${dir} is open to other users (mode 755) and could not be narrowed (${named}): run chmod 700 on it as its owner`]);
		expect((await store.getState(KEY))?.accessToken).toBe('a');
	} finally {
		chmod.mockRestore();
	}
});
