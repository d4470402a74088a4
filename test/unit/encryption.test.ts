/**
 * Token records at rest: AES-256-GCM with the full 16-byte tag, nothing shorter accepted; only the
 * envelope the store writes opens; the key comes from n8n's encryption key, found where n8n keeps it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordCipher, n8nEncryptionKey, n8nFolder } from '../../lib/stores/encryption';

describe('RecordCipher', () => {
	const cipher = new RecordCipher('n8n-key-for-tests');

	it('opens what it sealed, under the same record key only', () => {
		const sealed = cipher.seal('abc.token', { accessToken: 'x' });
		expect(cipher.open('abc.token', sealed)).toEqual({ accessToken: 'x' });
		expect(() => cipher.open('abd.token', sealed)).toThrow();
	});

	it('refuses a truncated authentication tag (4 bytes would be a 1-in-4-billion forgery)', () => {
		const envelope = JSON.parse(cipher.seal('abc.token', { accessToken: 'x' })) as { tag: string };
		for (const bytes of [4, 8, 12, 15]) {
			const short = { ...envelope, tag: Buffer.from(envelope.tag, 'base64').subarray(0, bytes).toString('base64') };
			expect(() => cipher.open('abc.token', JSON.stringify(short))).toThrow();
		}
	});

	it('opens a record an earlier release sealed: the key derivation (salt, purpose label) never changes, or an upgrade drops every stored token', () => {
		const earlier = '{"v":1,"iv":"hvYt3OO8v1jf/LZh","tag":"obxniTmxBSEbJHoAdGKN/Q==","data":"GIiGadqFGOp16R9y3YBQj48K7GYLCr2HwY0P/8J3ZAVKDPcMzpqI0/M9CcwwLQ=="}';
		expect(cipher.open('abc.token', earlier)).toEqual({ accessToken: 'sealed-by-an-earlier-release' });
		expect(() => new RecordCipher('another-n8n-key').open('abc.token', earlier)).toThrow();
	});

	it('refuses an envelope of another version, or whose fields are not the base64 strings it writes, even when the bytes are right', () => {
		const envelope = JSON.parse(cipher.seal('abc.token', { accessToken: 'x' })) as Record<string, unknown>;
		const open = (changed: Record<string, unknown>) => () => cipher.open('abc.token', JSON.stringify({ ...envelope, ...changed }));
		expect(open({})).not.toThrow();
		expect(open({ v: 2 })).toThrow('not a token record');
		for (const field of ['iv', 'tag', 'data']) {
			// The same bytes as an array: Buffer.from would take it, the format does not.
			expect(open({ [field]: [...Buffer.from(envelope[field] as string, 'base64')] })).toThrow('not a token record');
		}
		expect(() => cipher.open('abc.token', '{"accessToken":"plain text from elsewhere"}')).toThrow('not a token record');
	});
});

describe('n8n\'s folder and encryption key', () => {
	const folders: string[] = [];
	const userFolder = () => {
		folders.push(mkdtempSync(join(tmpdir(), 'n8n-api-auth-test-key-')));
		return folders[folders.length - 1];
	};
	afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

	it('the folder is .n8n inside N8N_USER_FOLDER, or inside the home folder', () => {
		expect(n8nFolder({ N8N_USER_FOLDER: '/srv/n8n' })).toBe(join('/srv/n8n', '.n8n'));
		expect(n8nFolder({})).toBe(join(homedir(), '.n8n'));
	});

	it('N8N_ENCRYPTION_KEY first, else the key n8n wrote into <folder>/.n8n/config, else none', () => {
		const folder = userFolder();
		expect(n8nEncryptionKey({ N8N_USER_FOLDER: folder })).toBeUndefined();
		mkdirSync(join(folder, '.n8n'));
		expect(n8nEncryptionKey({ N8N_USER_FOLDER: folder })).toBeUndefined();
		writeFileSync(join(folder, '.n8n', 'config'), JSON.stringify({ encryptionKey: 'key-n8n-wrote' }));
		expect(n8nEncryptionKey({ N8N_USER_FOLDER: folder })).toBe('key-n8n-wrote');
		expect(n8nEncryptionKey({ N8N_USER_FOLDER: folder, N8N_ENCRYPTION_KEY: 'from-env' })).toBe('from-env');
	});

	it('a settings file without a usable key, or not JSON, gives none', () => {
		const folder = userFolder();
		mkdirSync(join(folder, '.n8n'));
		for (const content of ['{"encryptionKey":""}', '{"encryptionKey":42}', '{}', 'not json']) {
			writeFileSync(join(folder, '.n8n', 'config'), content);
			expect(n8nEncryptionKey({ N8N_USER_FOLDER: folder })).toBeUndefined();
		}
	});
});
