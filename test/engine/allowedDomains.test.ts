/**
 * Where a credential may go: allowed domains, the HTTPS rule, and redirects. A recording server
 * on a second loopback address (127.0.0.2) stands for "another host"; what it received proves
 * the credential never reached it unless allowed, and never through a cross-origin redirect.
 */
import { runWorkflow } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';

const TOKEN = 'tok_domains_5ecret_Value_12';
const KEY = 'key_domains_5ecret_Value_34';
let home: RecordingServer;
let other: RecordingServer;
let oauthOther: OAuth2TestServer;

beforeAll(async () => {
	other = await startRecordingServer({ host: '127.0.0.2', handler: () => ({ status: 200, body: { other: true } }) });
	home = await startRecordingServer({
		handler: (req) => {
			const to = req.query.get('to');
			if (req.path === '/same') return { status: 302, headers: { location: '/target' } };
			if (req.path === '/cross') return { status: 302, headers: { location: `${other.url}/target${to ? `?${to}` : ''}` } };
			if (req.path === '/post-303') return { status: 303, headers: { location: '/target' } };
			if (req.path === '/post-307') return { status: 307, headers: { location: '/target' } };
			if (req.path === '/loop') return { status: 302, headers: { location: '/loop' } };
			return { status: 200, body: { home: true, method: req.method } };
		},
	});
	oauthOther = await startOAuth2Server();
});
afterAll(async () => {
	await Promise.all([home.close(), other.close(), oauthOther.close()]);
	distAgents.destroyAgents();
});
beforeEach(async () => {
	home.requests.length = 0;
	other.requests.length = 0;
	await resetTokenState();
});

const bearer = (extra: Record<string, unknown> = {}) => ({ type: 'apiAuthBearerToken', data: { token: TOKEN, ...extra } });
const get = (url: string, options: Record<string, unknown> = {}) => ({ method: 'GET', url, options });

describe('allowed domains', () => {
	it('a host outside the list never receives the credential (nothing is sent at all)', async () => {
		const { error } = await runWorkflow({ parameters: get(`${other.url}/x`), credential: bearer({ allowedDomains: '127.0.0.1' }) });
		expect(error?.message).toBe('URL: host "127.0.0.2" is not in the credential\'s allowed domains (127.0.0.1)');
		expect(other.requests).toHaveLength(0);
	});

	it('with a base URL and no list, only the base URL\'s host is allowed', async () => {
		const ok = await runWorkflow({ parameters: get('/target'), credential: bearer({ baseUrl: home.url }) });
		expect(ok.error).toBeUndefined();
		const refused = await runWorkflow({ parameters: get(`${other.url}/x`), credential: bearer({ baseUrl: home.url }) });
		expect(refused.error?.message).toMatch(/not in the credential's allowed domains/);
		expect(other.requests).toHaveLength(0);
	});

	it('wildcards allow subdomains only', async () => {
		const { error } = await runWorkflow({ parameters: get(`${home.url}/x`), credential: bearer({ allowedDomains: '*.127.0.0.1' }) });
		expect(error?.message).toMatch(/not in the credential's allowed domains/);
	});

	it('the OAuth2 token endpoint is checked too: no token request to a host outside the list', async () => {
		const { error } = await runWorkflow({
			parameters: get(`${home.url}/x`),
			credential: { type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', accessTokenUrl: oauthOther.tokenUrl.replace('127.0.0.1', 'localhost'), clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, allowedDomains: '127.0.0.1' } },
		});
		expect(error?.message).toMatch(/^Access Token URL: host "localhost" is not in the credential's allowed domains/);
		expect(oauthOther.tokenRequests).toHaveLength(0);
	});
});

describe('redirects', () => {
	it('same origin: followed with the credential', async () => {
		const { output } = await runWorkflow({ parameters: get(`${home.url}/same`), credential: bearer() });
		expect(output[0].json).toEqual({ home: true, method: 'GET' });
		expect(home.requests.map((r) => [r.path, r.headers.authorization])).toEqual([['/same', `Bearer ${TOKEN}`], ['/target', `Bearer ${TOKEN}`]]);
	});

	it('cross origin to an allowed host: followed, but without Authorization and cookies', async () => {
		const { output, error } = await runWorkflow({
			parameters: { ...get(`${home.url}/cross`), sendHeaders: true, headerParameters: { parameters: [{ name: 'Cookie', value: 'session=abc' }] } },
			credential: bearer({ allowedDomains: '127.0.0.1, 127.0.0.2' }),
		});
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ other: true });
		expect(other.requests).toHaveLength(1);
		expect(other.requests[0].headers.authorization).toBeUndefined();
		expect(other.requests[0].headers.cookie).toBeUndefined();
		expect(home.requests[0].headers.cookie).toBe('session=abc');
	});

	it('cross origin: an API key in a header or in the query is dropped, even when the Location repeats it', async () => {
		await runWorkflow({
			parameters: get(`${home.url}/cross`),
			credential: { type: 'apiAuthApiKey', data: { apiKey: KEY, parameterName: 'X-API-Key', allowedDomains: '127.0.0.1,127.0.0.2' } },
		});
		expect(other.requests[0].headers['x-api-key']).toBeUndefined();
		await runWorkflow({
			parameters: { ...get(`${home.url}/cross`), sendQuery: true, queryParameters: { parameters: [{ name: 'to', value: `api_key=${KEY}&page=2` }] } },
			credential: { type: 'apiAuthApiKey', data: { apiKey: KEY, parameterName: 'api_key', placement: 'query', allowedDomains: '127.0.0.1,127.0.0.2' } },
		});
		expect(home.requests.at(-1)?.query.get('api_key')).toBe(KEY);
		expect(other.requests[1].query.get('api_key')).toBeNull();
		expect(other.requests[1].query.get('page')).toBe('2');
	});

	it('cross origin to a host outside the list: refused, the other host receives nothing (302)', async () => {
		const { error } = await runWorkflow({ parameters: get(`${home.url}/cross`), credential: bearer({ allowedDomains: '127.0.0.1' }) });
		expect(error?.message).toMatch(/redirected to 127\.0\.0\.2:\d+, which is not in the credential's allowed domains/);
		expect(other.requests).toHaveLength(0);
	});

	it('OAuth2: a cross-origin redirect does not carry the access token', async () => {
		const api = await startRecordingServer({ handler: () => ({ status: 302, headers: { location: `${other.url}/target` } }) });
		try {
			const { error } = await runWorkflow({
				parameters: get(`${api.url}/x`),
				credential: { type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', accessTokenUrl: oauthOther.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret } },
			});
			expect(error).toBeUndefined();
			expect(api.requests[0].headers.authorization).toMatch(/^Bearer /);
			expect(other.requests[0].headers.authorization).toBeUndefined();
		} finally {
			await api.close();
		}
	});

	it('303 turns a POST into a GET without body; 307 resends the POST with its body', async () => {
		const post = (path: string) => ({ method: 'POST', url: `${home.url}${path}`, sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody: '{"a":1}' });
		const r303 = await runWorkflow({ parameters: post('/post-303'), credential: bearer() });
		expect(r303.output[0].json.method).toBe('GET');
		expect(home.requests[1].body.length).toBe(0);
		const r307 = await runWorkflow({ parameters: post('/post-307'), credential: bearer() });
		expect(r307.output[0].json.method).toBe('POST');
		expect(home.requests[3].body.toString()).toBe('{"a":1}');
	});

	it('stops after the maximum number of redirects, naming the option', async () => {
		const { error } = await runWorkflow({ parameters: get(`${home.url}/loop`, { maxRedirects: 3 }), credential: bearer() });
		expect(error?.message).toMatch(/^URL: more than 3 redirects/);
		expect(error?.description).toMatch(/Maximum Redirects/);
		expect(home.requests).toHaveLength(4);
	});

	it('not following redirects returns the 3xx response', async () => {
		const { output } = await runWorkflow({ parameters: get(`${home.url}/cross`, { followRedirects: false, fullResponse: true }), credential: bearer() });
		expect(output[0].json.statusCode).toBe(302);
		expect(other.requests).toHaveLength(0);
	});
});

describe('plain http', () => {
	it('is allowed to loopback, and to other hosts only with the explicit switch', async () => {
		expect((await runWorkflow({ parameters: get(`${other.url}/x`), credential: bearer() })).error).toBeUndefined();
		const refused = await runWorkflow({ parameters: get('http://api.example.test/x'), credential: bearer() });
		expect(refused.error?.message).toBe('URL: "http://api.example.test" uses plain http, which would send the credential unencrypted');
	});
});
