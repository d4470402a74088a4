/**
 * Which Redis the token store uses, read from the environment the way n8n reads its own settings
 * (n8n 2.x, @n8n/config): a variable NAME may also be given as a file path in NAME_FILE.
 *
 *   N8N_API_AUTH_REDIS_URL           a dedicated Redis for this package (redis:// or rediss://);
 *   otherwise n8n's queue-mode Redis: QUEUE_BULL_REDIS_HOST (localhost), _PORT (6379), _DB (0),
 *   _USERNAME, _PASSWORD, _TLS (false), _TLS_SERVERNAME, _TLS_VALIDATE_CERTIFICATE (true), _DUALSTACK;
 *   with QUEUE_BULL_REDIS_CLUSTER_NODES (host:port,host:port) a Redis Cluster instead of HOST/PORT/DB,
 *   with the same credentials and TLS, and n8n's _SLOT_REFRESH_TIMEOUT (1000), _SLOT_REFRESH_INTERVAL
 *   (5000) and _DNS_LOOKUP_STRATEGY (LOOKUP, or NONE for TLS clusters whose certificates name hosts).
 */
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';

/** A Redis Cluster: where to start discovering it, and n8n's cluster settings. */
export interface RedisClusterTarget {
	nodes: Array<{ host: string; port: number }>;
	slotsRefreshTimeout: number;
	slotsRefreshInterval: number;
	/** Hand host names to TLS as they are (n8n's QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY=NONE). */
	keepHostNames: boolean;
}

export interface RedisTarget {
	/** A redis:// or rediss:// URL; its options below are added to it. */
	url?: string;
	/** Options of the connection, or of each cluster node's connection. */
	options: RedisOptions;
	cluster?: RedisClusterTarget;
	/** Where it points, for logs: host, port and database, never a password. */
	label: string;
}

/** NAME, or the trimmed content of the file named by NAME_FILE; quotes around the value dropped. */
export function readSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
	const direct = env[name];
	const raw = direct !== undefined ? direct : env[`${name}_FILE`] ? readFileSync(env[`${name}_FILE`] as string, 'utf8') : undefined;
	const value = raw?.trim().replace(/^(['"])(.*)\1$/, '$2');
	return value === '' ? undefined : value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
	const value = readSetting(env, name)?.toLowerCase();
	if (value === 'true' || value === '1') return true;
	if (value === 'false' || value === '0') return false;
	return fallback;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const value = Number(readSetting(env, name));
	return Number.isInteger(value) && value >= 0 ? value : fallback;
}

export function isQueueMode(env: NodeJS.ProcessEnv): boolean {
	return readSetting(env, 'EXECUTIONS_MODE') === 'queue';
}

/** n8n's cluster start nodes, parsed as n8n does ("host:port,host:port"); a node without a port gets 6379. */
export function clusterNodes(value: string | undefined): RedisClusterTarget['nodes'] {
	return (value ?? '')
		.split(',')
		.map((pair) => pair.trim())
		.filter((pair) => pair.length > 0)
		.map((pair) => {
			const at = pair.lastIndexOf(':');
			const port = at > 0 ? Number(pair.slice(at + 1)) : NaN;
			return Number.isInteger(port) && port > 0 ? { host: pair.slice(0, at), port } : { host: pair, port: 6379 };
		});
}

function clusterTarget(env: NodeJS.ProcessEnv): RedisClusterTarget | undefined {
	const nodes = clusterNodes(readSetting(env, 'QUEUE_BULL_REDIS_CLUSTER_NODES'));
	if (nodes.length === 0) return undefined;
	return {
		nodes,
		slotsRefreshTimeout: integer(env, 'QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT', 1_000),
		slotsRefreshInterval: integer(env, 'QUEUE_BULL_REDIS_SLOT_REFRESH_INTERVAL', 5_000),
		keepHostNames: readSetting(env, 'QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY')?.toUpperCase() === 'NONE',
	};
}

function urlLabel(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
	} catch {
		return 'the URL in N8N_API_AUTH_REDIS_URL';
	}
}

export function redisTarget(env: NodeJS.ProcessEnv = process.env): RedisTarget {
	const url = readSetting(env, 'N8N_API_AUTH_REDIS_URL');
	if (url) return { url, options: {}, label: urlLabel(url) };

	const tls = flag(env, 'QUEUE_BULL_REDIS_TLS', false);
	const shared: RedisOptions = {
		username: readSetting(env, 'QUEUE_BULL_REDIS_USERNAME'),
		password: readSetting(env, 'QUEUE_BULL_REDIS_PASSWORD'),
		family: flag(env, 'QUEUE_BULL_REDIS_DUALSTACK', false) ? 0 : 4,
		tls: tls
			? {
				servername: readSetting(env, 'QUEUE_BULL_REDIS_TLS_SERVERNAME'),
				rejectUnauthorized: flag(env, 'QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE', true),
			}
			: undefined,
	};
	const cluster = clusterTarget(env);
	if (cluster) {
		// A cluster has database 0 only: n8n ignores QUEUE_BULL_REDIS_DB there too.
		const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
		return { options: shared, cluster, label: `${tls ? 'rediss' : 'redis'} cluster ${nodes}` };
	}
	const host = readSetting(env, 'QUEUE_BULL_REDIS_HOST') ?? 'localhost';
	const port = integer(env, 'QUEUE_BULL_REDIS_PORT', 6379);
	const db = integer(env, 'QUEUE_BULL_REDIS_DB', 0);
	return { options: { ...shared, host, port, db }, label: `${tls ? 'rediss' : 'redis'}://${host}:${port}/${db}` };
}
