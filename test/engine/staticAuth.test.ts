/**
 * Bearer, API key and Basic credentials, and TLS (private CA, mTLS), through n8n's real engine
 * against real local servers: what the server received, and clear, secret-free errors.
 */
import { basicAuthorization } from '../../lib/auth/basic';
import { destroyAgents } from '../../lib/transport/agents';
import { runWorkflow } from '../support/engine';
import { findLeaks } from '../support/secrets';
import { testPki, type TestPki } from '../servers/certs';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_live_5ecret_Bearer_Value_91';
const API_KEY = 'key_5ecret_ApiKey_Value_47';
const PASSWORD = 'pa55-5ecret-Basic-Pw';

let pki: TestPki;
let https: RecordingServer;
let mtls: RecordingServer;

const tls = (extra: Record<string, unknown> = {}) => ({ useCustomTls: true, tlsCa: pki.ca.cert, ...extra });

beforeAll(async () => {
	pki = await testPki();
	https = await startRecordingServer({
		tls: pki.server,
		handler: (req) => {
			const ok = req.headers.authorization === `Bearer ${TOKEN}` || req.headers['x-api-key'] === API_KEY || req.query.get('api_key') === API_KEY
				|| req.headers.authorization === basicAuthorization('alice', PASSWORD);
			return ok ? { status: 200, body: { ok: true, path: req.path } } : { status: 401, body: { error: 'unauthorized' } };
		},
	});
	mtls = await startRecordingServer({ tls: { ...pki.server, requestCert: true, ca: pki.clientCa.cert } });
});

afterAll(async () => {
	await https.close();
	await mtls.close();
	destroyAgents();
});

beforeEach(() => {
	https.requests.length = 0;
	mtls.requests.length = 0;
});

const get = (url: string) => ({ method: 'GET', url });

describe('bearer token', () => {
	it('sends exactly "Authorization: Bearer <token>", after stripping a pasted prefix and whitespace', async () => {
		const { output, error } = await runWorkflow({
			parameters: get(`${https.url}/orders`),
			credential: { type: 'apiAuthBearerToken', data: { token: `  Bearer ${TOKEN}\n`, ...tls() } },
		});
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ ok: true, path: '/orders' });
		expect(https.requests).toHaveLength(1);
		expect(https.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	it('uses the header prefix the user chose', async () => {
		await runWorkflow({
			parameters: { ...get(`${https.url}/x`), options: { neverError: true } },
			credential: { type: 'apiAuthBearerToken', data: { token: TOKEN, headerPrefix: 'Token', ...tls() } },
		});
		expect(https.requests[0].headers.authorization).toBe(`Token ${TOKEN}`);
	});

	it('refuses a token with a line break inside, before anything is sent', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${https.url}/x`),
			credential: { type: 'apiAuthBearerToken', data: { token: `${TOKEN}\nX-Injected: 1`, ...tls() } },
		});
		expect(error?.message).toMatch(/^Token: the token contains spaces or line breaks/);
		expect(https.requests).toHaveLength(0);
		expect(findLeaks(error, [TOKEN])).toEqual([]);
	});

	it('a wrong token gives a 401 diagnosis that names what to check, and leaks nothing', async () => {
		const wrong = 'tok_wrong_5ecret_Value_00';
		const result = await runWorkflow({
			parameters: get(`${https.url}/orders`),
			credential: { type: 'apiAuthBearerToken', data: { token: wrong, ...tls() } },
		});
		expect(result.error?.message).toContain('the API rejected the credential (401 Unauthorized)');
		expect(result.error?.description).toContain('Check the token; it may be wrong, expired or revoked.');
		expect(result.error?.description).not.toContain('Bearer');
		expect(findLeaks(result.run, [wrong])).toEqual([]);
	});
});

describe('API key', () => {
	it('sends the key in the header the user named', async () => {
		const { output } = await runWorkflow({
			parameters: get(`${https.url}/h`),
			credential: { type: 'apiAuthApiKey', data: { apiKey: API_KEY, placement: 'header', parameterName: 'X-API-Key', ...tls() } },
		});
		expect(output[0].json.ok).toBe(true);
		expect(https.requests[0].headers['x-api-key']).toBe(API_KEY);
		expect(https.requests[0].headers.authorization).toBeUndefined();
		expect(https.requests[0].query.get('X-API-Key')).toBeNull();
	});

	it('sends the key as a query parameter, keeping the user\'s own parameters', async () => {
		const { output } = await runWorkflow({
			parameters: { ...get(`${https.url}/q?page=2`), sendQuery: true, queryParameters: { parameters: [{ name: 'limit', value: '5' }] } },
			credential: { type: 'apiAuthApiKey', data: { apiKey: API_KEY, placement: 'query', parameterName: 'api_key', ...tls() } },
		});
		expect(output[0].json.ok).toBe(true);
		const q = https.requests[0].query;
		expect([q.get('page'), q.get('limit'), q.get('api_key')]).toEqual(['2', '5', API_KEY]);
		expect(https.requests[0].headers['x-api-key']).toBeUndefined();
	});

	it('a rejected key: clear error, and neither the key nor the URL query with it appears in the run data', async () => {
		const wrong = 'key_wrong_5ecret_Value_00';
		const result = await runWorkflow({
			parameters: get(`${https.url}/q`),
			credential: { type: 'apiAuthApiKey', data: { apiKey: wrong, placement: 'query', parameterName: 'api_key', ...tls() } },
		});
		expect(result.error?.message).toContain('401');
		expect(result.error?.description).toContain('API key');
		expect(findLeaks(result.run, [wrong])).toEqual([]);
	});
});

describe('basic auth', () => {
	it('sends Basic base64(user:password)', async () => {
		const { output } = await runWorkflow({
			parameters: get(`${https.url}/b`),
			credential: { type: 'apiAuthBasic', data: { user: 'alice', password: PASSWORD, ...tls() } },
		});
		expect(output[0].json.ok).toBe(true);
		expect(https.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
	});

	it('refuses a user name with ":" (RFC 7617)', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${https.url}/b`),
			credential: { type: 'apiAuthBasic', data: { user: 'al:ice', password: PASSWORD, ...tls() } },
		});
		expect(error?.message).toMatch(/^User: contains ":"/);
		expect(https.requests).toHaveLength(0);
	});

	it('a wrong password: 401 diagnosis, no password or Basic value in the run data', async () => {
		const wrong = 'wrong-5ecret-Basic-Pw';
		const result = await runWorkflow({
			parameters: get(`${https.url}/b`),
			credential: { type: 'apiAuthBasic', data: { user: 'alice', password: wrong, ...tls() } },
		});
		expect(result.error?.message).toContain('401');
		expect(result.error?.description).toContain('user name and password');
		expect(findLeaks(result.run, [wrong, `alice:${wrong}`])).toEqual([]);
	});
});

describe('TLS', () => {
	it('without the CA certificate the private-CA server is refused, with the fix named', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${https.url}/x`),
			credential: { type: 'apiAuthBearerToken', data: { token: TOKEN } },
		});
		expect(error?.message).toMatch(/is not trusted/);
		expect(error?.description).toMatch(/Add the CA certificate/);
		expect(https.requests).toHaveLength(0);
	});

	it('mTLS: the client certificate from the credential is presented and accepted', async () => {
		const { output, error } = await runWorkflow({
			parameters: get(`${mtls.url}/secure`),
			credential: { type: 'apiAuthBearerToken', data: { token: TOKEN, ...tls({ tlsCert: pki.client.cert, tlsKey: pki.client.key }) } },
		});
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ ok: true, path: '/secure' });
		expect(mtls.requests[0].clientCert).toBe('workflow-client');
		expect(mtls.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	it('mTLS with an encrypted key and its passphrase', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${mtls.url}/secure`),
			credential: {
				type: 'apiAuthApiKey',
				data: { apiKey: API_KEY, parameterName: 'X-API-Key', ...tls({ tlsCert: pki.client.cert, tlsKey: pki.clientKeyEncrypted, tlsPassphrase: 'pass-phrase-for-client-key-Qx7' }) },
			},
		});
		expect(error).toBeUndefined();
		expect(mtls.requests[0].clientCert).toBe('workflow-client');
	});

	it('the mTLS server rejects a client without a certificate, and the error says a client certificate is needed', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${mtls.url}/secure`),
			credential: { type: 'apiAuthBearerToken', data: { token: TOKEN, ...tls() } },
		});
		expect(error?.message).toMatch(/requires a client certificate|closed the connection/);
		expect(mtls.requests).toHaveLength(0);
		expect(findLeaks(error, [TOKEN])).toEqual([]);
	});

	it('the mTLS server rejects a certificate from a CA it does not trust', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${mtls.url}/secure`),
			credential: { type: 'apiAuthBearerToken', data: { token: TOKEN, ...tls({ tlsCert: pki.strangerClient.cert, tlsKey: pki.strangerClient.key }) } },
		});
		// The server's TLS alert ends the handshake: a connection error that points at the client CA.
		expect(error?.message).toMatch(/^Request to https:\/\/127\.0\.0\.1:\d+\/secure failed: .*closed the connection/);
		expect(error?.description).toMatch(/trusts the CA of the client certificate/);
		expect(mtls.requests).toHaveLength(0);
		expect(findLeaks(error, [TOKEN, pki.strangerClient.key])).toEqual([]);
	});

	it('a key that does not match the certificate is refused before connecting', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${mtls.url}/secure`),
			credential: { type: 'apiAuthBearerToken', data: { token: TOKEN, ...tls({ tlsCert: pki.client.cert, tlsKey: pki.strangerClient.key }) } },
		});
		expect(error?.message).toBe('Client Private Key: the private key does not belong to the client certificate');
		expect(findLeaks(error, [pki.strangerClient.key])).toEqual([]);
	});
});
