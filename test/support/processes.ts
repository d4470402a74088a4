/**
 * Several n8n worker processes for one test: each is a real Node process (worker.js →
 * workerMain.ts) running the built package through n8n's real engine. The test sends them
 * workflows to run (at once, or one by one), reads what they logged, can speed up their clocks,
 * and can kill one with SIGKILL at any moment.
 *
 *   const workers = await startWorkers(4, queueEnvironment({ store: 'redis', redisUrl }));
 *   const results = await Promise.all(workers.map((w) => w.run({ parameters, credential, items })));
 *   await stopWorkers(workers);
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { assertBuildIsFresh } from './builtPackage';
import type { RunOptions } from './engine';

/** A workflow for a worker: what runWorkflow takes, less the in-process credentials helper. */
export type WorkerRunOptions = Omit<RunOptions, 'helper'>;

export interface WorkerRunResult {
	/** The JSON of every output item of the node (results, or errors under continue-on-fail). */
	items: IDataObject[];
	/** The workflow's error, when it failed as a whole. */
	error?: { message: string; description?: string };
	ms: number;
}

export type WorkerCommand =
	| { type: 'run'; id: number; options: WorkerRunOptions }
	| { type: 'idle'; id: number }
	| { type: 'stats'; id: number }
	| { type: 'exit' };

/** What a worker holds at one moment (the soak's leak checks). */
export interface WorkerStats {
	rssBytes: number;
	/** process.getActiveResourcesInfo(), counted by kind (Timeout, TCPSocketWrap, …). */
	resources: Record<string, number>;
	/** The longest the worker's event loop ran late since the previous stats call. */
	loopDelayMaxMs: number;
}

export type WorkerMessage =
	| { type: 'ready' }
	| { type: 'result'; id: number; result: WorkerRunResult }
	| { type: 'idle'; id: number }
	| { type: 'stats'; id: number; stats: WorkerStats }
	| { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };

export interface WorkerProcess {
	pid: number;
	/** Everything the package logged in this process, in order. */
	logs: Array<{ level: string; message: string }>;
	run(options: WorkerRunOptions): Promise<WorkerRunResult>;
	stats(): Promise<WorkerStats>;
	/**
	 * Resolves once the process has no token request in flight: a renewal before expiry runs in the
	 * background and can outlive the run that started it, and must not count in the next test.
	 */
	idle(): Promise<void>;
	/** kill -9. Pending runs reject. */
	kill(): Promise<void>;
	/** Asks the process to close its connections and end. */
	exit(): Promise<void>;
	readonly alive: boolean;
}

export interface QueueEnvironmentOptions {
	store: 'file' | 'redis';
	/** Required for the Redis store: where it is (N8N_API_AUTH_REDIS_URL). */
	redisUrl?: string;
	/** A Redis Cluster instead, as n8n is told of it (QUEUE_BULL_REDIS_CLUSTER_NODES, host:port,…). */
	clusterNodes?: string;
	leaseMs?: number;
	pollMs?: number;
	/** Run the package's clock this many times faster than real time, in every worker alike. */
	clockRate?: number;
	/**
	 * Redis store only: 'separate' (the default) gives each worker an n8n folder of its own, as on
	 * separate hosts; 'shared', one folder for all, as processes of one host.
	 */
	hosts?: 'separate' | 'shared';
}

/**
 * The environment of workers that belong to one n8n installation: one encryption key (n8n's
 * settings file with it is written before any worker starts), one Redis when asked. With the file
 * store the workers share one n8n folder, as processes of one host do. With Redis each worker
 * gets its own n8n folder, as workers on separate hosts have: then nothing but Redis coordinates
 * them (no host file lock in common); `hosts: 'shared'` puts them on one host instead. Workers started later with the same environment (a
 * restart) find the same tokens.
 */
export function queueEnvironment(options: QueueEnvironmentOptions): NodeJS.ProcessEnv {
	const encryptionKey = randomBytes(24).toString('base64');
	return {
		N8N_USER_FOLDER: userFolder(encryptionKey),
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_LOG_LEVEL: 'silent',
		N8N_API_AUTH_TOKEN_STORE: options.store,
		...(options.store === 'redis' && options.hosts !== 'shared' ? { [SEPARATE_HOSTS]: '1' } : {}),
		...(options.redisUrl ? { N8N_API_AUTH_REDIS_URL: options.redisUrl } : {}),
		...(options.clusterNodes ? { QUEUE_BULL_REDIS_CLUSTER_NODES: options.clusterNodes } : {}),
		...(options.leaseMs ? { N8N_API_AUTH_LOCK_LEASE_MS: String(options.leaseMs) } : {}),
		...(options.pollMs ? { N8N_API_AUTH_LOCK_POLL_MS: String(options.pollMs) } : {}),
		...(options.clockRate && options.clockRate !== 1 ? { TEST_CLOCK_RATE: String(options.clockRate), TEST_CLOCK_EPOCH: String(Date.now()) } : {}),
	};
}

/** Set in an environment whose workers each get an n8n folder of their own. */
const SEPARATE_HOSTS = 'TEST_SEPARATE_HOSTS';

/** An n8n user folder with its settings file (the encryption key), removed with removeUserFolders(). */
function userFolder(encryptionKey: string): string {
	// Inside the test run's folder (test/support/globalSetup.ts), so that a test that never calls removeUserFolders() leaves none either.
	const folder = mkdtempSync(join(process.env.N8N_API_AUTH_TEST_RUN_DIR ?? tmpdir(), 'n8n-api-auth-test-workers-'));
	mkdirSync(join(folder, '.n8n'), { recursive: true });
	writeFileSync(join(folder, '.n8n', 'config'), JSON.stringify({ encryptionKey }), { mode: 0o600 });
	userFolders.add(folder);
	return folder;
}

const userFolders = new Set<string>();

/** Removes the n8n folders (encrypted token files, keys) of every environment and worker so far. */
export function removeUserFolders(): void {
	for (const folder of userFolders) rmSync(folder, { recursive: true, force: true });
	userFolders.clear();
}

/** The environment one worker runs with: its own n8n folder when the environment asks for separate hosts. */
function workerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	if (!env[SEPARATE_HOSTS]) return env;
	return { ...env, N8N_USER_FOLDER: userFolder(env.N8N_ENCRYPTION_KEY as string) };
}

function startWorker(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
	const child: ChildProcess = fork(join(__dirname, 'worker.js'), [], {
		env: { ...process.env, ...env },
		execArgv: [],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const logs: WorkerProcess['logs'] = [];
	const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
	let nextId = 0;
	let alive = true;
	const exited = new Promise<void>((resolve) => {
		child.once('exit', (code, signal) => {
			alive = false;
			for (const waiter of pending.values()) waiter.reject(new Error(`worker ${child.pid} ended (${signal ?? `exit code ${code}`}) before answering`));
			pending.clear();
			resolve();
		});
	});
	const request = <T>(command: (id: number) => WorkerCommand): Promise<T> => {
		if (!alive) return Promise.reject(new Error(`worker ${child.pid} has ended`));
		const id = nextId++;
		return new Promise<T>((resolve, reject) => {
			pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			child.send(command(id));
		});
	};
	const worker: WorkerProcess = {
		pid: child.pid as number,
		logs,
		run: (options) => request<WorkerRunResult>((id) => ({ type: 'run', id, options })),
		idle: () => request<void>((id) => ({ type: 'idle', id })),
		stats: () => request<WorkerStats>((id) => ({ type: 'stats', id })),
		kill: async () => {
			if (alive) child.kill('SIGKILL');
			await exited;
		},
		exit: async () => {
			if (alive) child.send({ type: 'exit' } satisfies WorkerCommand);
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		},
		get alive() {
			return alive;
		},
	};
	return new Promise<WorkerProcess>((resolve, reject) => {
		child.on('message', (message: WorkerMessage) => {
			if (message.type === 'ready') resolve(worker);
			else if (message.type === 'log') logs.push({ level: message.level, message: message.message });
			else {
				pending.get(message.id)?.resolve(message.type === 'result' ? message.result : message.type === 'stats' ? message.stats : undefined);
				pending.delete(message.id);
			}
		});
		child.once('exit', (code) => reject(new Error(`worker ended while starting (exit code ${code})`)));
	});
}

export async function startWorkers(count: number, env: NodeJS.ProcessEnv): Promise<WorkerProcess[]> {
	assertBuildIsFresh();
	return await Promise.all(Array.from({ length: count }, () => startWorker(workerEnvironment(env))));
}

/** The same workers, each one that has ended (killed by a test) replaced by a new one. */
export async function replaceDeadWorkers(workers: WorkerProcess[], env: NodeJS.ProcessEnv): Promise<WorkerProcess[]> {
	return await Promise.all(workers.map(async (worker) => (worker.alive ? worker : (await startWorkers(1, env))[0])));
}

/** Waits until no live worker has a token request in flight. */
export async function settleWorkers(workers: WorkerProcess[]): Promise<void> {
	await Promise.all(workers.filter((worker) => worker.alive).map((worker) => worker.idle()));
}

export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
	await Promise.all(workers.map((worker) => worker.exit()));
}
