/**
 * How the Redis settings are read (no Redis needed): values as n8n reads them (quotes around the
 * whole value dropped, empty means unset, 0/1 flags), integers that fall back when not usable,
 * cluster start nodes, and the label that logs show (never a password).
 */
import { clusterNodes, redisTarget } from '../../lib/stores/redisTarget';

describe('a setting\'s value', () => {
	it('quotes are dropped only when they wrap the whole value', () => {
		const password = (value: string) => redisTarget({ QUEUE_BULL_REDIS_PASSWORD: value }).options.password;
		expect(password('"pa55"')).toBe('pa55');
		expect(password(' \'pa55\' ')).toBe('pa55');
		expect(password('pa\'55\'')).toBe('pa\'55\'');
		expect(password('"pa"55')).toBe('"pa"55');
		expect(password('"pa55\'')).toBe('"pa55\'');
	});

	it('an empty value (also "" or blanks) is unset: n8n\'s default applies', () => {
		for (const empty of ['', '""', '  ']) {
			const target = redisTarget({ QUEUE_BULL_REDIS_HOST: empty, QUEUE_BULL_REDIS_PORT: empty, QUEUE_BULL_REDIS_USERNAME: empty });
			expect(target.options).toMatchObject({ host: 'localhost', port: 6379, username: undefined });
			expect(target.label).toBe('redis://localhost:6379/0');
		}
	});

	it('a flag is true for true/1, false for false/0 (any case), else its default', () => {
		const validates = (value: string) => (redisTarget({ QUEUE_BULL_REDIS_TLS: 'TRUE', QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE: value }).options.tls as { rejectUnauthorized: boolean }).rejectUnauthorized;
		expect(validates('0')).toBe(false);
		expect(validates('False')).toBe(false);
		expect(validates('1')).toBe(true);
		expect(validates('yes')).toBe(true);
		expect(redisTarget({ QUEUE_BULL_REDIS_TLS: '1' }).label).toBe('rediss://localhost:6379/0');
		expect(redisTarget({ QUEUE_BULL_REDIS_TLS: '0' }).options.tls).toBeUndefined();
	});

	it('a number must be a whole number, 0 or more: otherwise the default applies', () => {
		const port = (value: string) => redisTarget({ QUEUE_BULL_REDIS_PORT: value }).options.port;
		expect(port('6380')).toBe(6380);
		for (const unusable of ['-1', '6380.5', 'abc']) expect(port(unusable)).toBe(6379);
		const db = (value: string) => redisTarget({ QUEUE_BULL_REDIS_DB: value }).options.db;
		expect(db('0')).toBe(0);
		expect(db('7')).toBe(7);
		expect(db('-2')).toBe(0);
	});
});

describe('a cluster', () => {
	const cluster = (env: NodeJS.ProcessEnv) => redisTarget({ QUEUE_BULL_REDIS_CLUSTER_NODES: 'redis-1:7000', ...env }).cluster;

	it('slot refresh interval and timeout from n8n\'s settings; an interval of 0 turns the periodic refresh off', () => {
		expect(cluster({})).toMatchObject({ slotsRefreshTimeout: 1000, slotsRefreshInterval: 5000 });
		expect(cluster({ QUEUE_BULL_REDIS_SLOT_REFRESH_INTERVAL: '0', QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT: '3000' })).toMatchObject({ slotsRefreshTimeout: 3000, slotsRefreshInterval: 0 });
		expect(cluster({ QUEUE_BULL_REDIS_SLOT_REFRESH_INTERVAL: '20000' })).toMatchObject({ slotsRefreshInterval: 20000 });
	});

	it('host names are handed to TLS as they are only with DNS_LOOKUP_STRATEGY=NONE (any case)', () => {
		expect(cluster({})?.keepHostNames).toBe(false);
		expect(cluster({ QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY: 'LOOKUP' })?.keepHostNames).toBe(false);
		expect(cluster({ QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY: 'none' })?.keepHostNames).toBe(true);
	});

	it('start nodes: the port after the last colon; IPv6-style hosts keep their colons', () => {
		expect(clusterNodes('redis-1:7000,::1:6380, 10.0.0.3:7002')).toEqual([
			{ host: 'redis-1', port: 7000 },
			{ host: '::1', port: 6380 },
			{ host: '10.0.0.3', port: 7002 },
		]);
		expect(clusterNodes(undefined)).toEqual([]);
		expect(clusterNodes(' , ')).toEqual([]);
	});

	it('an entry without a usable port (none, empty, 0, not a number, nothing before the colon) is kept whole on 6379', () => {
		for (const entry of ['redis-3', 'redis-3:', 'redis-3:0', 'redis-3:abc', ':7000']) {
			expect(clusterNodes(entry)).toEqual([{ host: entry, port: 6379 }]);
		}
	});
});

describe('the label in logs', () => {
	const label = (url: string) => redisTarget({ N8N_API_AUTH_REDIS_URL: url }).label;

	it('a URL\'s scheme, host and port, and its database path when it has one; never the credentials', () => {
		expect(label('redis://cache.example.test:6390')).toBe('redis://cache.example.test:6390');
		expect(label('redis://cache.example.test:6390/')).toBe('redis://cache.example.test:6390');
		expect(label('rediss://:s3cret@cache.example.test:6390/4')).toBe('rediss://cache.example.test:6390/4');
	});

	it('a URL that does not parse is named, not shown (it may hold a password)', () => {
		const target = redisTarget({ N8N_API_AUTH_REDIS_URL: 'redis://:s3cret@[::1:6379/2' });
		expect(target.url).toBe('redis://:s3cret@[::1:6379/2');
		expect(target.label).toBe('the URL in N8N_API_AUTH_REDIS_URL');
	});
});
