/**
 * A real PostgreSQL server (the Debian package postgresql) for one test file: a fresh cluster
 * (initdb) in a temporary folder, listening on 127.0.0.1 only, no Unix socket, a password for its
 * one role, and fsync off (thrown away afterwards). PostgreSQL refuses to run as root: when the
 * tests do, it runs as the `postgres` user the Debian package creates.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { untilPrinted } from './serverOutput';

export interface PostgresServer {
	port: number;
	user: string;
	password: string;
	database: string;
	/** Runs one SQL statement with psql and returns its rows, split into fields. */
	query(sql: string): string[][];
	stop(): Promise<void>;
}

/** Debian keeps the server's programs out of PATH, under /usr/lib/postgresql/<major>/bin. */
function binDir(): string {
	const root = '/usr/lib/postgresql';
	const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'postgres'))) : [];
	const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error('PostgreSQL is not installed. Run "node scripts/ensure-packages.js postgres" (npm run test:e2e runs it), or install the Debian package postgresql.');
	return join(root, newest, 'bin');
}

/** Who the server runs as: this user, or `postgres` when this is root. */
function serverUser(): { uid: number; gid: number } | undefined {
	if (userInfo().uid !== 0) return undefined;
	const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	if (!Number.isInteger(uid) || uid <= 0) throw new Error('Running as root, PostgreSQL needs the user "postgres" (the Debian package postgresql creates it).');
	return { uid, gid: id('-g') };
}

export async function startPostgres(port: number): Promise<PostgresServer> {
	const bin = binDir();
	const owner = serverUser();
	const root = mkdtempSync(join(tmpdir(), 'n8n-api-auth-test-postgres-'));
	const data = join(root, 'data');
	const user = 'n8n';
	const password = randomBytes(18).toString('base64url');
	const pwfile = join(root, 'password');
	writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
	if (owner) for (const path of [root, pwfile]) chownSync(path, owner.uid, owner.gid);
	const asOwner = { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } };
	const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--no-sync', '-E', 'UTF8'], { ...asOwner, encoding: 'utf8' });
	if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
	rmSync(pwfile);
	const settings = ['listen_addresses=127.0.0.1', `port=${port}`, 'unix_socket_directories=', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
	const child = spawn(join(bin, 'postgres'), ['-D', data, ...settings.flatMap((s) => ['-c', s])], { ...asOwner, stdio: ['ignore', 'pipe', 'pipe'] });
	await untilPrinted(child, 'postgres', 'database system is ready to accept connections', { stream: 'stderr', timeoutMs: 60_000 });
	const database = 'postgres';
	return {
		port,
		user,
		password,
		database,
		query: (sql) => {
			const psql = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password } });
			if (psql.status !== 0) throw new Error(`psql failed: ${psql.stderr}`);
			return psql.stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
		},
		stop: async () => {
			if (child.exitCode === null) {
				const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
				// Immediate shutdown: nothing here needs to survive.
				child.kill('SIGQUIT');
				await ended;
			}
			rmSync(root, { recursive: true, force: true });
		},
	};
}
