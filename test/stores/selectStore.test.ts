/**
 * Which store a process picks from its environment, read the way n8n reads its own settings,
 * and where the Redis store connects (against a real redis-server where it matters).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FallbackTokenStore } from '../../lib/stores/fallbackStore';
import { FileTokenStore } from '../../lib/stores/fileStore';
import { MemoryTokenStore } from '../../lib/stores/memoryStore';
import { redisTarget } from '../../lib/stores/redisTarget';
import { resetTokenStore, storeSettings, tokenStore } from '../../lib/stores/selectStore';
import type { Logger } from '../../lib/services';
import { type RedisServer, redisName, startRedis } from '../support/redis';

const lines: string[] = [];
const logger: Logger = { debug: () => undefined, info: (m) => void lines.push(m), warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };
/** n8n user folders (token files, settings with a key): removed after the file. */
const folders: string[] = [];
const folder = () => {
	const made = mkdtempSync(join(tmpdir(), 'n8n-api-auth-test-select-'));
	folders.push(made);
	return made;
};
const base = (): NodeJS.ProcessEnv => ({ N8N_USER_FOLDER: folder(), N8N_ENCRYPTION_KEY: 'select-test-key' });

let redis: RedisServer;
beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => {
	await redis.stop();
	for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});
afterEach(async () => {
	lines.length = 0;
	await resetTokenStore();
});

describe('choice of store', () => {
	it('regular mode: encrypted files in the n8n folder; without an encryption key: memory, with a warning', async () => {
		expect(tokenStore(logger, base())).toBeInstanceOf(FileTokenStore);
		await resetTokenStore();
		expect(tokenStore(logger, { N8N_USER_FOLDER: folder() })).toBeInstanceOf(MemoryTokenStore);
		expect(lines.join('\n')).toContain('encryption key was not found');
	});

	it('queue mode: Redis from n8n\'s own QUEUE_BULL_REDIS_* settings, with the host files as fallback', async () => {
		const env = { ...base(), EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redis.port), QUEUE_BULL_REDIS_DB: '2' };
		const store = tokenStore(logger, env);
		expect(store).toBeInstanceOf(FallbackTokenStore);
		expect(lines).toEqual([`API Auth: OAuth2 tokens are shared between workers through Redis at redis://127.0.0.1:${redis.port}/2`]);
		await store.setState('abc123abc123abc123', { accessToken: 't', expiresAt: Date.now() + 1000, obtainedAt: Date.now(), expirySource: 'expires_in' });
		const client = redis.client();
		await client.select(2);
		expect(await client.keys('*')).toEqual([redisName('token', 'abc123abc123abc123', 'select-test-key')]);
	});

	it('N8N_API_AUTH_REDIS_URL selects a dedicated Redis, also outside queue mode', () => {
		expect(tokenStore(logger, { ...base(), N8N_API_AUTH_REDIS_URL: redis.url })).toBeInstanceOf(FallbackTokenStore);
	});

	it('N8N_API_AUTH_TOKEN_STORE forces a store; an unknown value is reported and ignored', async () => {
		expect(tokenStore(logger, { ...base(), EXECUTIONS_MODE: 'queue', N8N_API_AUTH_TOKEN_STORE: 'file' })).toBeInstanceOf(FileTokenStore);
		await resetTokenStore();
		expect(tokenStore(logger, { ...base(), N8N_API_AUTH_TOKEN_STORE: 'redis', N8N_API_AUTH_REDIS_URL: redis.url })).toBeInstanceOf(FallbackTokenStore);
		await resetTokenStore();
		expect(tokenStore(logger, { ...base(), EXECUTIONS_MODE: 'queue', N8N_API_AUTH_TOKEN_STORE: 'memory' })).toBeInstanceOf(MemoryTokenStore);
		await resetTokenStore();
		expect(tokenStore(logger, { ...base(), N8N_API_AUTH_TOKEN_STORE: 'postgres' })).toBeInstanceOf(FileTokenStore);
		expect(lines.join('\n')).toContain('N8N_API_AUTH_TOKEN_STORE="postgres" is not one of memory, file, redis');
	});

	it('a Redis cluster (QUEUE_BULL_REDIS_CLUSTER_NODES) is used like a single Redis: shared, with host files beside it', () => {
		expect(tokenStore(logger, { ...base(), EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2' })).toBeInstanceOf(FallbackTokenStore);
		expect(lines.join('\n')).toContain('through Redis at redis cluster 127.0.0.1:1,127.0.0.1:2');
	});

	it('the file store writes into <n8n user folder>/.n8n/api-auth/tokens (the folder the README tells users to delete)', async () => {
		const env = base();
		await tokenStore(logger, env).setState('abc123abc123abc123', { accessToken: 't', expiresAt: Date.now() + 1000, obtainedAt: Date.now(), expirySource: 'expires_in' });
		expect(readdirSync(join(env.N8N_USER_FOLDER as string, '.n8n', 'api-auth', 'tokens'))).toContain('abc123abc123abc123.token');
	});

	it('queue mode without an encryption key: memory (records could not be sealed)', () => {
		expect(tokenStore(logger, { N8N_USER_FOLDER: folder(), EXECUTIONS_MODE: 'queue' })).toBeInstanceOf(MemoryTokenStore);
	});
});

describe('lock and token request timing', () => {
	it('defaults: a 30 s lease, polled every 100 ms, 120 s per token request', () => {
		expect(storeSettings({})).toEqual({ leaseMs: 30_000, pollMs: 100, tokenTimeoutMs: 120_000 });
	});

	it('N8N_API_AUTH_LOCK_LEASE_MS, _LOCK_POLL_MS, _TOKEN_TIMEOUT_MS; a value that is not a positive number keeps the default', () => {
		expect(storeSettings({ N8N_API_AUTH_LOCK_LEASE_MS: '45000', N8N_API_AUTH_LOCK_POLL_MS: '250', N8N_API_AUTH_TOKEN_TIMEOUT_MS: '60000' })).toEqual({ leaseMs: 45_000, pollMs: 250, tokenTimeoutMs: 60_000 });
		for (const unusable of ['0', '-5', 'abc', 'Infinity', '']) {
			expect(storeSettings({ N8N_API_AUTH_LOCK_LEASE_MS: unusable, N8N_API_AUTH_LOCK_POLL_MS: unusable })).toMatchObject({ leaseMs: 30_000, pollMs: 100 });
		}
	});
});

describe('where Redis is', () => {
	it('n8n\'s defaults: localhost:6379, database 0, no TLS', () => {
		expect(redisTarget({})).toEqual({
			options: { host: 'localhost', port: 6379, db: 0, username: undefined, password: undefined, family: 4, tls: undefined },
			label: 'redis://localhost:6379/0',
		});
	});

	it('user, password (also from a _FILE), TLS options; the label never shows the password', () => {
		const secretFile = join(folder(), 'redis-password');
		writeFileSync(secretFile, 'pa55-from-file\n');
		const target = redisTarget({
			QUEUE_BULL_REDIS_HOST: '"redis.internal"',
			QUEUE_BULL_REDIS_PORT: '6380',
			QUEUE_BULL_REDIS_USERNAME: 'n8n',
			QUEUE_BULL_REDIS_PASSWORD_FILE: secretFile,
			QUEUE_BULL_REDIS_TLS: 'true',
			QUEUE_BULL_REDIS_TLS_SERVERNAME: 'redis.example.test',
			QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE: 'false',
			QUEUE_BULL_REDIS_DUALSTACK: '1',
		});
		expect(target.options).toMatchObject({ host: 'redis.internal', port: 6380, username: 'n8n', password: 'pa55-from-file', family: 0, tls: { servername: 'redis.example.test', rejectUnauthorized: false } });
		expect(target.label).toBe('rediss://redis.internal:6380/0');
	});

	it('a cluster as n8n reads it: start nodes, the same credentials and TLS for each node, no database, n8n\'s slot settings', () => {
		const target = redisTarget({
			QUEUE_BULL_REDIS_CLUSTER_NODES: ' redis-1:7000, redis-2:7001 ,redis-3',
			QUEUE_BULL_REDIS_HOST: 'ignored',
			QUEUE_BULL_REDIS_DB: '3',
			QUEUE_BULL_REDIS_PASSWORD: 'pw',
			QUEUE_BULL_REDIS_TLS: 'true',
			QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT: '2500',
			QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY: 'NONE',
		});
		expect(target.cluster).toEqual({
			nodes: [{ host: 'redis-1', port: 7000 }, { host: 'redis-2', port: 7001 }, { host: 'redis-3', port: 6379 }],
			slotsRefreshTimeout: 2500,
			slotsRefreshInterval: 5000,
			keepHostNames: true,
		});
		expect(target.options).toMatchObject({ password: 'pw', tls: { rejectUnauthorized: true } });
		expect(target.options).not.toHaveProperty('host');
		expect(target.options).not.toHaveProperty('db');
		expect(target.label).toBe('rediss cluster redis-1:7000,redis-2:7001,redis-3:6379');
		expect(redisTarget({ QUEUE_BULL_REDIS_CLUSTER_NODES: 'a:1', N8N_API_AUTH_REDIS_URL: 'redis://one:6379' }).cluster).toBeUndefined();
	});

	it('N8N_API_AUTH_REDIS_URL wins, and its label drops the credentials', () => {
		const target = redisTarget({ N8N_API_AUTH_REDIS_URL: 'rediss://user:s3cret-Pw@cache.example.test:6390/4', QUEUE_BULL_REDIS_HOST: 'other' });
		expect(target.url).toBe('rediss://user:s3cret-Pw@cache.example.test:6390/4');
		expect(target.label).toBe('rediss://cache.example.test:6390/4');
	});
});
