/**
 * n8n 2.40.7 in queue mode (EXECUTIONS_MODE=queue) for one test file: a main (`n8n start`, which
 * takes the webhooks and queues the executions in Redis) and workers (`n8n worker`, which run
 * them). Each process has a user folder of its own, as if it ran on a host of its own, so the
 * package's token files are per process and the processes can coordinate only through Redis. They
 * share what a real deployment shares: the database (PostgreSQL), the encryption key, Redis, and
 * the package (every nodes folder links to the one the global setup installed it into, as the
 * Community Nodes installer would).
 *
 * Why not one SQLite file shared by the processes: n8n 2.40.7 accepts it with a warning ("Scaling
 * mode is not officially supported with sqlite"), but sets no busy timeout, so with 50 executions
 * in flight on 3 workers 23 of 400 failed with "SQLITE_BUSY: database is locked".
 *
 * Ports: the main takes `basePort` (its task broker +1, its command line's +2); worker i takes
 * basePort + 3(i + 1) for its health server and the next one for its task broker .
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type N8nSite, n8nUrl, nodesFolder } from '../../../scripts/n8n/environment';
import { logFile, n8nCommand, type RunningN8n, startN8n } from '../../../scripts/n8n/instance';
import type { Log } from '../../../scripts/support/processes';
import type { PostgresServer } from '../../support/postgres';
import { e2eContext } from './context';

export interface QueueFleetOptions {
	basePort: number;
	workers: number;
	/** Executions one worker runs at once (n8n's default is 10). */
	workerConcurrency: number;
	redisPort: number;
	postgres: Pick<PostgresServer, 'port' | 'user' | 'password' | 'database'>;
	/** Settings for worker i beyond the common ones (they win). */
	workerEnv?: (index: number) => Record<string, string>;
}

export interface QueueFleet {
	main: N8nSite;
	workers: N8nSite[];
	url: string;
	/** An n8n command (import:…) against the shared database, run as the main's command line. */
	n8n(args: string[]): Promise<void>;
	/** What each worker has logged so far. */
	workerLogs(): string[];
	/** The main first (it migrates a fresh database), then the workers together. */
	start(log: Log): Promise<void>;
	stop(): Promise<void>;
}

/** Worker i's health port; the one after it is its task broker's. */
export function workerPort(basePort: number, index: number): number {
	return basePort + 3 * (index + 1);
}

export function queueFleet(options: QueueFleetOptions): QueueFleet {
	const { site: installed } = e2eContext();
	const root = mkdtempSync(join(tmpdir(), 'n8n-api-auth-queue-fleet-'));
	const { postgres } = options;
	const shared = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(options.redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		DB_POSTGRESDB_DATABASE: postgres.database,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
	};
	const site = (name: string, port: number, env: Record<string, string> = {}): N8nSite => {
		const userFolder = join(root, name);
		mkdirSync(join(userFolder, '.n8n'), { recursive: true });
		symlinkSync(nodesFolder(installed), nodesFolder({ ...installed, userFolder }), 'dir');
		return { runtime: installed.runtime, userFolder, port, env: { ...shared, ...env } };
	};
	const main = site('main', options.basePort);
	const workers = Array.from({ length: options.workers }, (_, i) => {
		const port = workerPort(options.basePort, i);
		return site(`worker-${i + 1}`, port, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_CONCURRENCY_PRODUCTION_LIMIT: String(options.workerConcurrency),
			...options.workerEnv?.(i),
		});
	});
	const running: RunningN8n[] = [];
	return {
		main,
		workers,
		url: n8nUrl(main),
		n8n: (args) => n8nCommand(main, args),
		workerLogs: () => workers.map((worker) => readFileSync(logFile(worker, 'n8n-worker'), 'utf8')),
		async start(log) {
			running.push(await startN8n(main, log));
			const started = await Promise.allSettled(workers.map((worker) => startN8n(worker, log, 180_000, 'worker')));
			for (const outcome of started) if (outcome.status === 'fulfilled') running.push(outcome.value);
			const failed = started.find((outcome) => outcome.status === 'rejected');
			if (failed) throw failed.reason;
		},
		async stop() {
			await Promise.all(running.splice(0).map((n8n) => n8n.stop()));
			if (!process.env.N8N_API_AUTH_E2E_KEEP) rmSync(root, { recursive: true, force: true });
		},
	};
}
