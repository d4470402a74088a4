/**
 * Which Redis the token store uses, read from the environment the way n8n reads its own settings
 * (n8n 2.x, @n8n/config): a variable NAME may also be given as a file path in NAME_FILE.
 *
 *   N8N_API_AUTH_REDIS_URL           a dedicated Redis for this package (redis:// or rediss://);
 *   otherwise n8n's queue-mode Redis: QUEUE_BULL_REDIS_HOST (localhost), _PORT (6379), _DB (0),
 *   _USERNAME, _PASSWORD, _TLS (false), _TLS_SERVERNAME, _TLS_VALIDATE_CERTIFICATE (true), _DUALSTACK.
 */
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';

export interface RedisTarget {
	/** A redis:// or rediss:// URL; its options below are added to it. */
	url?: string;
	options: RedisOptions;
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

/** n8n's Redis cluster setting: the token store does not speak cluster protocol. */
export function usesRedisCluster(env: NodeJS.ProcessEnv): boolean {
	return !readSetting(env, 'N8N_API_AUTH_REDIS_URL') && !!readSetting(env, 'QUEUE_BULL_REDIS_CLUSTER_NODES');
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

	const host = readSetting(env, 'QUEUE_BULL_REDIS_HOST') ?? 'localhost';
	const port = integer(env, 'QUEUE_BULL_REDIS_PORT', 6379);
	const db = integer(env, 'QUEUE_BULL_REDIS_DB', 0);
	const tls = flag(env, 'QUEUE_BULL_REDIS_TLS', false);
	const options: RedisOptions = {
		host,
		port,
		db,
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
	return { options, label: `${tls ? 'rediss' : 'redis'}://${host}:${port}/${db}` };
}
