/**
 * HTTP proxy through n8n's real engine and a real local proxy: API calls and OAuth2 token calls
 * both go through it (CONNECT for https, absolute form for http), proxy auth, keep-alive inside
 * the tunnel, the bypass list and the environment variables, and clear errors without secrets.
 */
import { distAgents, recordingClock, resetTokenState } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { findLeaks } from '../support/secrets';
import { testPki, type TestPki } from '../servers/certs';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { startTestProxy, type TestProxy } from '../servers/proxyServer';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_proxy_5ecret_Bearer_Value_12';
const PROXY_PASSWORD = 'proxy-5ecret-Pw/with:odd@chars';

let pki: TestPki;
let api: RecordingServer;
let plainApi: RecordingServer;
let oauthTls: OAuth2TestServer;
let oauthPlain: OAuth2TestServer;
let proxy: TestProxy;
let openProxy: TestProxy;

beforeAll(async () => {
	pki = await testPki();
	api = await startRecordingServer({ tls: pki.server });
	plainApi = await startRecordingServer();
	oauthTls = await startOAuth2Server({ tls: pki.server });
	oauthPlain = await startOAuth2Server();
	proxy = await startTestProxy({ auth: { user: 'workflow', password: PROXY_PASSWORD } });
	openProxy = await startTestProxy();
});

afterAll(async () => {
	await Promise.all([api.close(), plainApi.close(), oauthTls.close(), oauthPlain.close(), proxy.close(), openProxy.close()]);
	distAgents.destroyAgents();
});

beforeEach(async () => {
	for (const server of [api, plainApi]) server.requests.length = 0;
	for (const p of [proxy, openProxy]) {
		p.tunnels.length = 0;
		p.forwarded.length = 0;
	}
	oauthTls.tokenRequests.length = 0;
	oauthPlain.tokenRequests.length = 0;
	await resetTokenState();
	// Fresh pools: a connection kept alive by an earlier test must not hide whether this one used the proxy.
	distAgents.destroyAgents();
});

afterEach(() => {
	for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) delete process.env[name];
});

const authority = (url: string) => new URL(url).host;
/**
 * Targets and proxies all live on 127.0.0.1: listing it is the explicit allow without which a
 * loopback target is reached directly (see proxyPolicy.test.ts for the rule itself).
 */
const LISTED = { allowedDomains: '127.0.0.1' };
const bearer = (extra: Record<string, unknown> = {}) => ({ type: 'apiAuthBearerToken', data: { token: TOKEN, useCustomTls: true, tlsCa: pki.ca.cert, ...LISTED, ...extra } });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('the node\'s Proxy option', () => {
	it('https: the API call and the OAuth2 token call both go through CONNECT tunnels, with proxy auth', async () => {
		const { output, error } = await runWorkflow({
			parameters: { method: 'GET', url: `${api.url}/orders`, options: { proxy: proxy.authUrl } },
			credential: {
				type: 'apiAuthOAuth2',
				data: { grantType: 'clientCredentials', accessTokenUrl: oauthTls.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, useCustomTls: true, tlsCa: pki.ca.cert, ...LISTED },
			},
		});
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ ok: true, path: '/orders' });
		expect(oauthTls.tokenRequests).toHaveLength(1);
		expect(api.requests[0].headers.authorization).toMatch(/^Bearer [a-f0-9]{40,}$/);
		const expected = `Basic ${Buffer.from(`workflow:${PROXY_PASSWORD}`).toString('base64')}`;
		expect(proxy.tunnels.map((t) => t.authority).sort()).toEqual([authority(api.url), authority(oauthTls.url)].sort());
		expect(proxy.tunnels.every((t) => t.authorization === expected && t.allowed)).toBe(true);
	});

	it('http: the API call goes in absolute form through the proxy; the proxy credentials never reach the API', async () => {
		const { output, error } = await runWorkflow({
			parameters: { method: 'GET', url: `${plainApi.url}/plain?x=1`, options: { proxy: proxy.authUrl } },
			credential: bearer(),
		});
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ ok: true, path: '/plain' });
		expect(proxy.forwarded).toEqual([expect.objectContaining({ method: 'GET', url: `${plainApi.url}/plain?x=1`, allowed: true })]);
		expect(plainApi.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(plainApi.requests[0].headers['proxy-authorization']).toBeUndefined();
	});

	it('keep-alive inside the tunnel: 40 items with 4 in flight open at most 4 tunnels', async () => {
		const { output, error } = await runWorkflow({
			parameters: { method: 'GET', url: `${api.url}/k`, options: { proxy: openProxy.url, concurrency: 4 } },
			credential: bearer(),
			items: items(40),
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(40);
		expect(api.requests).toHaveLength(40);
		expect(openProxy.tunnels.length).toBeGreaterThanOrEqual(1);
		expect(openProxy.tunnels.length).toBeLessThanOrEqual(4);
	});

	it('Bypass Proxy For sends matching hosts directly', async () => {
		const { error } = await runWorkflow({
			parameters: { method: 'GET', url: `${api.url}/direct`, options: { proxy: openProxy.url, noProxy: 'example.com, 127.0.0.0/8' } },
			credential: bearer(),
		});
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
		expect(openProxy.tunnels).toHaveLength(0);
	});

	it('without proxy credentials: a 407 diagnosis for https (CONNECT) and for http, and no secret in the run data', async () => {
		const clock = recordingClock();
		try {
			const https = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/x`, options: { proxy: proxy.url } }, credential: bearer() });
			expect(https.error?.message).toContain('requires authentication (407)');
			expect(https.error?.description).toContain('proxy URL');
			const http = await runWorkflow({ parameters: { method: 'GET', url: `${plainApi.url}/x`, options: { proxy: proxy.url } }, credential: bearer() });
			expect(http.error?.message).toContain('the proxy requires authentication (407)');
			expect(api.requests).toHaveLength(0);
			expect(plainApi.requests).toHaveLength(0);
			expect(findLeaks([https.run, http.run], [TOKEN])).toEqual([]);
		} finally {
			clock.restore();
		}
	});

	it('the proxy URL from an $env: reference; a failing request leaks neither the token nor the proxy password', async () => {
		api.setHandler((req) => ({ status: 400, body: { error: 'bad request', echoed: req.headers } }));
		process.env.N8N_API_AUTH_SECRET_ENV_PREFIX = 'TEST_PROXY_';
		process.env.TEST_PROXY_URL = proxy.authUrl;
		try {
			const result = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/x`, options: { proxy: '$env:TEST_PROXY_URL' } }, credential: bearer() });
			expect(result.error?.message).toContain('400');
			expect(proxy.tunnels).toHaveLength(1);
			expect(proxy.tunnels[0].authorization).toBe(`Basic ${Buffer.from(`workflow:${PROXY_PASSWORD}`).toString('base64')}`);
			expect(findLeaks(result.run, [TOKEN, PROXY_PASSWORD, `workflow:${PROXY_PASSWORD}`])).toEqual([]);
		} finally {
			delete process.env.N8N_API_AUTH_SECRET_ENV_PREFIX;
			delete process.env.TEST_PROXY_URL;
			api.setHandler((req) => ({ status: 200, body: { ok: true, path: req.path } }));
		}
	});

	it('an unreachable proxy: retried, then a diagnosis that names the proxy settings', async () => {
		const closed = await startTestProxy();
		await closed.close();
		const clock = recordingClock();
		try {
			const { error } = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/x`, options: { proxy: closed.url } }, credential: bearer() });
			expect(error?.message).toContain('the proxy on the way to');
			expect(error?.description).toContain('HTTPS_PROXY');
			expect(clock.waits).toHaveLength(2);
			expect(api.requests).toHaveLength(0);
		} finally {
			clock.restore();
		}
	});

	it('refuses a proxy URL that is not http://, naming the option and not quoting its password', async () => {
		const { error } = await runWorkflow({
			parameters: { method: 'GET', url: `${api.url}/x`, options: { proxy: `socks5://u:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:1080` } },
			credential: bearer(),
		});
		expect(error?.message).toBe('Proxy: "socks5:" proxies are not supported');
		// The error carries the node (and so the option itself); its texts must not quote the value.
		expect(findLeaks([error?.message, error?.description], [PROXY_PASSWORD])).toEqual([]);
	});
});

describe('the environment variables', () => {
	it('HTTPS_PROXY carries https API calls; NO_PROXY bypasses it', async () => {
		process.env.HTTPS_PROXY = openProxy.url;
		const proxied = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/env` }, credential: bearer() });
		expect(proxied.error).toBeUndefined();
		expect(openProxy.tunnels.map((t) => t.authority)).toEqual([authority(api.url)]);

		distAgents.destroyAgents();
		process.env.NO_PROXY = `localhost,${new URL(api.url).hostname}`;
		const direct = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/env` }, credential: bearer() });
		expect(direct.error).toBeUndefined();
		expect(openProxy.tunnels).toHaveLength(1);
		expect(api.requests).toHaveLength(2);
	});

	it('HTTP_PROXY carries an http token endpoint\'s requests (simple-oauth2) in absolute form; HTTPS_PROXY does not apply to http', async () => {
		process.env.HTTP_PROXY = openProxy.url;
		process.env.HTTPS_PROXY = proxy.url;
		const { error } = await runWorkflow({
			parameters: { method: 'GET', url: `${oauthPlain.apiUrl}/orders` },
			credential: { type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', accessTokenUrl: oauthPlain.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, ...LISTED } },
		});
		expect(error).toBeUndefined();
		expect(openProxy.forwarded.map((f) => `${f.method} ${f.url}`)).toEqual([`POST ${oauthPlain.tokenUrl}`, `GET ${oauthPlain.apiUrl}/orders`]);
		expect(proxy.tunnels).toHaveLength(0);
		expect(proxy.forwarded).toHaveLength(0);
	});

	it('the node\'s Proxy option wins over the environment', async () => {
		process.env.HTTPS_PROXY = proxy.url;
		const { error } = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/x`, options: { proxy: openProxy.url } }, credential: bearer() });
		expect(error).toBeUndefined();
		expect(openProxy.tunnels).toHaveLength(1);
		expect(proxy.tunnels).toHaveLength(0);
	});
});
