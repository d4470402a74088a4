/**
 * A real Redis Cluster for one test file: 3 masters and 3 replicas of Debian's redis-server on
 * free loopback ports, joined with `redis-cli --cluster create … --cluster-replicas 1`. A master
 * can be killed (kill -9) to watch its replica take over. Without persistence; stop() ends all.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { assertInstalled, freePort, untilReady } from './redis';

/** How long a silent node is considered alive; a replica takes over about twice this after its master died. */
export const CLUSTER_NODE_TIMEOUT_MS = 1_000;

export interface ClusterNode {
	port: number;
	readonly alive: boolean;
}

export interface RedisCluster {
	nodes: ClusterNode[];
	/** QUEUE_BULL_REDIS_CLUSTER_NODES for it: every node, as n8n's documentation shows. */
	startNodes: string;
	/** The live masters and the ports of the keys each holds that match `pattern`. */
	keysByMaster(pattern: string): Promise<Array<{ port: number; keys: string[] }>>;
	/** kill -9 of one node; resolves once the cluster has a master for every slot again. */
	killAndAwaitFailover(port: number): Promise<{ failoverMs: number; newMaster: number }>;
	stop(): Promise<void>;
}

const run = promisify(execFile);

async function startNode(port: number, dir: string): Promise<ChildProcess> {
	const proc = spawn(
		'redis-server',
		[
			'--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
			'--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(CLUSTER_NODE_TIMEOUT_MS),
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	await untilReady(proc, `redis-server on ${port}`);
	return proc;
}

async function ask(port: number, ...args: string[]): Promise<string> {
	const client = new IORedis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
	client.on('error', () => undefined);
	try {
		await client.connect();
		return String(await client.call(args[0], ...args.slice(1)));
	} finally {
		client.disconnect();
	}
}

interface NodeLine {
	port: number;
	master: boolean;
	failed: boolean;
	slots: boolean;
}

/** CLUSTER NODES as one node sees it. */
async function view(port: number): Promise<NodeLine[]> {
	return (await ask(port, 'CLUSTER', 'NODES'))
		.trim()
		.split('\n')
		.map((line) => {
			const [, address, flags, , , , , , ...slots] = line.split(' ');
			return { port: Number(address.split(':')[1].split('@')[0]), master: flags.includes('master'), failed: flags.includes('fail'), slots: slots.length > 0 };
		});
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = await probe().catch(() => undefined);
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`the Redis Cluster: timed out after ${ms} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

const healthy = async (port: number) => ((await ask(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok') ? true : undefined);

export async function startRedisCluster(): Promise<RedisCluster> {
	assertInstalled();
	const dir = mkdtempSync(join(tmpdir(), 'n8n-api-auth-test-redis-cluster-'));
	const ports: number[] = [];
	while (ports.length < 6) {
		const port = await freePort();
		if (!ports.includes(port)) ports.push(port);
	}
	const procs = new Map<number, ChildProcess>();
	for (const port of ports) procs.set(port, await startNode(port, dir));
	await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
	await until('every node to see the cluster as ok', 30_000, async () => ((await Promise.all(ports.map(healthy))).every(Boolean) ? true : undefined));

	const alive = (port: number) => procs.get(port)?.exitCode === null && procs.get(port)?.signalCode === null;
	const liveMasters = async () => {
		const seen = await view(ports.find(alive) as number);
		return seen.filter((n) => n.master && !n.failed && n.slots && alive(n.port)).map((n) => n.port);
	};
	return {
		nodes: ports.map((port) => ({ port, get alive() { return alive(port); } })),
		startNodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
		keysByMaster: async (pattern) => {
			const masters = await liveMasters();
			return await Promise.all(masters.map(async (port) => ({ port, keys: (await ask(port, 'KEYS', pattern)).split(',').filter(Boolean) })));
		},
		killAndAwaitFailover: async (port) => {
			const before = await liveMasters();
			const proc = procs.get(port) as ChildProcess;
			const killedAt = Date.now();
			const ended = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
			proc.kill('SIGKILL');
			await ended;
			const survivors = ports.filter(alive);
			const newMaster = await until('a replica to take over the killed master', 60_000, async () => {
				const states = await Promise.all(survivors.map(healthy));
				if (!states.every(Boolean)) return undefined;
				const promoted = (await liveMasters()).filter((p) => !before.includes(p));
				return promoted.length === 1 ? promoted[0] : undefined;
			});
			return { failoverMs: Date.now() - killedAt, newMaster };
		},
		stop: async () => {
			await Promise.all(
				[...procs.values()].map(async (proc) => {
					if (proc.exitCode !== null || proc.signalCode !== null) return;
					const ended = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
					proc.kill('SIGKILL');
					await ended;
				}),
			);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
