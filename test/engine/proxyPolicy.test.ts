/**
 * The proxy is part of the path the URL policy judges. A recording proxy on 127.0.0.3 (another
 * "host": it is never in the credentials' Allowed Domains unless a test lists it) keeps every
 * byte it was sent; where the policy forbids, no form of the credential may be among them.
 */
import { distAgents, resetTokenState } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { leakForms } from '../support/secrets';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { startTestProxy, type TestProxy } from '../servers/proxyServer';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_proxyrule_5ecret_Value_93';
let api: RecordingServer;
let oauth: OAuth2TestServer;
let proxy: TestProxy;

beforeAll(async () => {
	api = await startRecordingServer({ host: '127.0.0.2' });
	oauth = await startOAuth2Server();
	proxy = await startTestProxy({ host: '127.0.0.3' });
});
afterAll(async () => {
	await Promise.all([api.close(), oauth.close(), proxy.close()]);
	distAgents.destroyAgents();
});
beforeEach(async () => {
	api.requests.length = 0;
	proxy.received.length = 0;
	proxy.tunnels.length = 0;
	proxy.forwarded.length = 0;
	oauth.tokenRequests.length = 0;
	await resetTokenState();
	distAgents.destroyAgents();
});
afterEach(() => {
	for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) delete process.env[name];
});

/** The credential forms (value, URL-encoded, base64) found among the bytes the proxy received. */
function credentialBytesAtProxy(secrets: string[]): string[] {
	const seen = Buffer.concat(proxy.received).toString('latin1');
	return secrets.flatMap((secret) => leakForms(secret).filter((form) => seen.includes(form)));
}

const bearer = (extra: Record<string, unknown> = {}) => ({ type: 'apiAuthBearerToken', data: { token: TOKEN, allowedDomains: '127.0.0.2', ...extra } });

describe('proxies and Allowed Domains', () => {
	it('a loopback target is reached directly, not through the node\'s Proxy option', async () => {
		const { output, error } = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/x`, options: { proxy: proxy.url } }, credential: bearer() });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ ok: true });
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(proxy.received).toHaveLength(0);
	});

	it('a loopback target is reached directly despite HTTP_PROXY without a loopback NO_PROXY', async () => {
		process.env.HTTP_PROXY = proxy.url;
		const { error } = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/x` }, credential: bearer() });
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
		expect(proxy.received).toHaveLength(0);
	});

	it('an OAuth2 token request to a plain-http loopback token URL: the client secret never reaches the proxy', async () => {
		const { error } = await runWorkflow({
			parameters: { method: 'GET', url: `${api.url}/x`, options: { proxy: proxy.url } },
			credential: {
				type: 'apiAuthOAuth2',
				data: { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, allowedDomains: '127.0.0.1, 127.0.0.2' },
			},
		});
		expect(error).toBeUndefined();
		expect(oauth.tokenRequests).toHaveLength(1);
		expect(proxy.received).toHaveLength(0);
		expect(credentialBytesAtProxy([TEST_CLIENT.secret, `${TEST_CLIENT.id}:${TEST_CLIENT.secret}`])).toEqual([]);
	});

	it('a plain-http target the proxy would read is refused before anything is sent', async () => {
		const { error } = await runWorkflow({
			parameters: { method: 'GET', url: 'http://api.internal.test/x', options: { proxy: proxy.url } },
			credential: bearer({ allowedDomains: 'api.internal.test', allowPlainHttp: true }),
		});
		expect(error?.message).toBe(
			`Proxy: the proxy 127.0.0.3:${proxy.port} could read the credential ("http://api.internal.test" is plain http), and it is not in the credential's allowed domains`,
		);
		expect(proxy.received).toHaveLength(0);
		expect(credentialBytesAtProxy([TOKEN])).toEqual([]);
	});

	it('an https target with Ignore TLS Errors is refused too: a terminating proxy would read it', async () => {
		process.env.HTTPS_PROXY = proxy.url;
		const { error } = await runWorkflow({
			parameters: { method: 'GET', url: 'https://api.internal.test/x' },
			credential: bearer({ allowedDomains: 'api.internal.test', useCustomTls: true, tlsIgnoreErrors: true }),
		});
		expect(error?.message).toMatch(/^HTTPS_PROXY: the proxy 127\.0\.0\.3:\d+ could read the credential \(TLS errors are ignored/);
		expect(proxy.received).toHaveLength(0);
	});

	it('a verified https target goes through the proxy in a tunnel; a proxy listed in Allowed Domains carries plain http', async () => {
		const tunnelled = await runWorkflow({
			parameters: { method: 'GET', url: 'https://api.internal.test/x', options: { proxy: proxy.url } },
			credential: bearer({ allowedDomains: 'api.internal.test' }),
		});
		// The test proxy only reaches loopback, so it refuses the tunnel: what matters is that the request took it, sealed.
		expect(tunnelled.error?.message).toMatch(/refused|proxy/i);
		expect(proxy.tunnels.map((t) => t.authority)).toEqual(['api.internal.test:443']);
		expect(credentialBytesAtProxy([TOKEN])).toEqual([]);

		proxy.received.length = 0;
		const listed = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/y`, options: { proxy: proxy.url } }, credential: bearer({ allowedDomains: '127.0.0.2, 127.0.0.3' }) });
		expect(listed.error).toBeUndefined();
		expect(proxy.forwarded.map((f) => f.url)).toEqual([`${api.url}/y`]);
		expect(credentialBytesAtProxy([TOKEN])).toContain(TOKEN);
	});
});
