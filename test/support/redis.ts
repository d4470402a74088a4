/**
 * A real redis-server (the Debian package) for one test file, on a free loopback port, that
 * the test can stop and start again on the same port. Without persistence by default: a restart
 * comes back empty, the harder case for the token store.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac, hkdfSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import { untilPrinted } from './serverOutput';

export interface RedisServer {
	port: number;
	url: string;
	/** A client for the test's own look at the data. */
	client(): Redis;
	stop(): Promise<void>;
	start(): Promise<void>;
	/** Freezes the server (SIGSTOP): connections stay open, nothing answers, as in a network partition. */
	pause(): void;
	resume(): void;
	readonly running: boolean;
}

/**
 * The Redis name the token store gives a record, computed here from the documented scheme (an
 * HMAC of the token key under a key derived from the encryption key), not by the store's code.
 */
export function redisName(kind: 'token' | 'status' | 'lock', tokenKey: string, encryptionKey: string, cluster = false): string {
	const nameKey = Buffer.from(hkdfSync('sha256', encryptionKey, 'n8n-nodes-api-auth', 'redis-key-names-v1', 32));
	const keyed = createHmac('sha256', nameKey).update(tokenKey).digest('hex');
	return `n8n-api-auth:${kind}:${cluster ? `{${keyed}}` : keyed}`;
}

export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

export function assertInstalled(): void {
	if (spawnSync('redis-server', ['--version']).status !== 0) {
		throw new Error('redis-server is not installed. Run "node scripts/ensure-redis.js" (npm test runs it), or install the Debian package redis-server.');
	}
}

/** Waits until a redis-server just spawned accepts connections (10 s at most); its output is then drained. */
export async function untilReady(proc: ChildProcess, label: string): Promise<void> {
	await untilPrinted(proc, label, 'Ready to accept connections');
}

/** With a password, the server requires it (`--requirepass`) and `url` carries it. */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
	assertInstalled();
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'n8n-api-auth-test-redis-'));
	let child: ChildProcess | undefined;
	const clients: Redis[] = [];

	const start = async (): Promise<void> => {
		const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes', ...(options.password ? ['--requirepass', options.password] : [])], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child = proc;
		await untilReady(proc, 'redis-server');
	};

	const stop = async (): Promise<void> => {
		const proc = child;
		child = undefined;
		if (!proc || proc.exitCode !== null) return;
		const ended = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
		proc.kill('SIGKILL');
		await ended;
	};

	await start();
	return {
		port,
		url: `redis://${options.password ? `:${encodeURIComponent(options.password)}@` : ''}127.0.0.1:${port}/0`,
		client: () => {
			const client = new IORedis({ host: '127.0.0.1', port, password: options.password, lazyConnect: false, maxRetriesPerRequest: 1 });
			client.on('error', () => undefined);
			clients.push(client);
			return client;
		},
		start,
		pause: () => void child?.kill('SIGSTOP'),
		resume: () => void child?.kill('SIGCONT'),
		stop: async () => {
			for (const client of clients.splice(0)) client.disconnect();
			await stop();
		},
		get running() {
			return child !== undefined;
		},
	};
}
