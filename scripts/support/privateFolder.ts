/**
 * The demo's user folder holds n8n's database (credentials, the owner's password hash), its
 * encryption key and logs: private to the user who runs it. The umask covers what this process
 * and its children (n8n, its CLI) create from here on; the chmod covers a folder an earlier run
 * made before this rule, whose files then become unreachable to others through it.
 */
import { chmodSync, mkdirSync } from 'node:fs';

export function makePrivateFolder(path: string): void {
	process.umask(0o077);
	mkdirSync(path, { recursive: true, mode: 0o700 });
	chmodSync(path, 0o700);
}
