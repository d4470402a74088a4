/**
 * ioredis logs its connection options, the Redis password among them, through the `debug` module
 * when DEBUG is set. The Redis store switches those namespaces off: a process with DEBUG=ioredis:*
 * (or DEBUG=*) that uses the store prints no password.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RedisServer, startRedis } from '../support/redis';
import { findLeaks } from '../support/secrets';

const PASSWORD = 'redis-Pass-7f3a9c1e-not-for-logs';
let redis: RedisServer;
beforeAll(async () => {
	redis = await startRedis({ password: PASSWORD });
});
afterAll(async () => redis.stop());

const storeScript = (url: string) => `
const { RedisTokenStore } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'lib', 'stores', 'redisStore.js'))});
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const store = new RedisTokenStore({ url: ${JSON.stringify(url)}, options: {}, label: 'test' }, 'debug-test-key', logger);
(async () => {
	await store.setState('k', { accessToken: 'a', expiresAt: Date.now() + 60000, obtainedAt: Date.now(), expirySource: 'expires_in' });
	const state = await store.getState('k');
	await store.close();
	console.log('STORE-OK', state.accessToken);
})().catch((e) => { console.log('ERR', e.message); process.exit(1); });
`;

// ioredis used directly, with the same options: what its debug log prints unless silenced.
const plainScript = (url: string) => `
const IORedis = require(${JSON.stringify(require.resolve('ioredis'))}).default;
const client = new IORedis(${JSON.stringify(url)});
client.ping().then(() => { client.disconnect(); console.log('PLAIN-OK'); });
`;

const run = async (script: string, debug: string) =>
	await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, DEBUG: debug, DEBUG_COLORS: 'no' }, encoding: 'utf8', timeout: 20_000 });

it.each(['ioredis:*', '*'])('DEBUG=%s: the Redis store prints no Redis password', async (debug) => {
	const result = await run(storeScript(redis.url), debug);
	expect(result.stdout).toContain('STORE-OK a');
	expect(findLeaks(`${result.stdout}\n${result.stderr}`, [PASSWORD])).toEqual([]);
});

it('sanity: ioredis alone prints the password with DEBUG=ioredis:*, so the silence above is the store\'s doing', async () => {
	const result = await run(plainScript(redis.url), 'ioredis:*');
	expect(result.stdout).toContain('PLAIN-OK');
	expect(result.stderr).toContain(PASSWORD);
});
