/**
 * The editor's Test button, through the node's credentialTest method as n8n calls it: every
 * credential type, and a diagnosis the user can act on for each kind of failure.
 */
import { captureLogs, pressTest } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { CLIENT_KEY_PASSPHRASE, testPki, type TestPki } from '../servers/certs';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT, type TokenRequestRecord } from '../servers/oauth2Server';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_test_5ecret_Value_3141';
let pki: TestPki;
let api: RecordingServer;
let mtls: RecordingServer;
let plain: RecordingServer;
let oauth: OAuth2TestServer;

/** What the Test path logged through the context n8n gives it. */
const testLogs: string[] = [];
const test = (type: string, data: Record<string, unknown>) => pressTest(type, data, testLogs);

beforeAll(async () => {
	pki = await testPki();
	api = await startRecordingServer({
		tls: pki.server,
		handler: (req) => {
			if (req.path === '/forbidden') return { status: 403, body: {} };
			if (req.path === '/slow') return { status: 200, delayMs: 20_000 };
			// An API that quotes what it received in its failure.
			if (req.path === '/echo-fail') return { status: 401, body: `invalid credential: ${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''} ${req.query.get('api_key') ?? ''}`, headers: { 'content-type': 'text/plain', 'x-echo': String(req.headers.authorization ?? '') } };
			if (req.path.startsWith('/open')) return { status: 200, body: { public: true } };
			if (req.path.startsWith('/missing')) return { status: 404, body: {} };
			return req.headers.authorization === `Bearer ${TOKEN}` || req.headers['x-api-key'] === TOKEN ? { status: 200, body: { me: 'ok' } } : { status: 401, body: {} };
		},
	});
	mtls = await startRecordingServer({ tls: { ...pki.server, requestCert: true, ca: pki.clientCa.cert } });
	plain = await startRecordingServer({});
	oauth = await startOAuth2Server({ tls: pki.server });
});
afterAll(async () => {
	await Promise.all([api.close(), mtls.close(), plain.close(), oauth.close()]);
	distAgents.destroyAgents();
});
beforeEach(async () => {
	testLogs.length = 0;
	oauth.setFault(undefined);
	await resetTokenState();
});

const tls = (extra: Record<string, unknown> = {}) => ({ useCustomTls: true, tlsCa: pki.ca.cert, ...extra });
const bearer = (extra: Record<string, unknown> = {}) => ({ token: TOKEN, testUrl: `${api.url}/me`, ...tls(), ...extra });

describe('success', () => {
	it.each<[string, string, () => Record<string, unknown>]>([
		['bearer with a test URL', 'apiAuthBearerToken', () => bearer()],
		['a relative test URL against the base URL', 'apiAuthBearerToken', () => bearer({ baseUrl: `${api.url}/`, testUrl: '/me' })],
		['API key', 'apiAuthApiKey', () => ({ apiKey: TOKEN, parameterName: 'X-API-Key', testUrl: `${api.url}/me`, ...tls() })],
		['no test URL: the base URL, which rejects a request without the credential', 'apiAuthBearerToken', () => bearer({ testUrl: '', baseUrl: `${api.url}/v1` })],
	])('%s', async (_name, type, data) => {
		const result = await test(type, data());
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/answered 200 with the credential and 401 without it/) });
	});

	it('mTLS: a server that refuses the handshake without the client certificate verifies it', async () => {
		const result = await test('apiAuthBearerToken', bearer({ testUrl: `${mtls.url}/me`, tlsCert: pki.client.cert, tlsKey: pki.clientKeyEncrypted, tlsPassphrase: CLIENT_KEY_PASSPHRASE }));
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/answered 200 with the credential and refused the connection without its client certificate/) });
	});

	it('OAuth2 without a test URL fetches a token and says so', async () => {
		const result = await test('apiAuthOAuth2', { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, ...tls() });
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/^Token obtained \(from the token endpoint\), valid for about 60 min/) });
	});

	it('OAuth2 with a test URL fetches a token and calls the API with it', async () => {
		const result = await test('apiAuthOAuth2', { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, testUrl: `${oauth.apiUrl}/me`, ...tls() });
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/answered 200 with the credential and 401 without it/) });
		expect(oauth.apiRequests.slice(-2).map((r) => r.status)).toEqual([200, 401]);
	});
});

describe('never green without a check', () => {
	const notVerified = /^The credential was saved, but Test could not verify it: /;
	it.each<[string, string, () => Record<string, unknown>, RegExp]>([
		['no Test URL and no Base URL: nothing is sent', 'apiAuthBasic', () => ({ user: 'alice', password: 'pw-5ecret-xx' }), /neither Test URL nor Base URL is set.*Set Test URL to an endpoint of your API that requires authentication/],
		['a Base URL that answers anyone', 'apiAuthBearerToken', () => bearer({ testUrl: '', baseUrl: `${api.url}/open` }), /Base URL https:\/\/127\.0\.0\.1:\d+\/open answers 200 without the credential too.*Set Test URL/],
		['a Test URL that answers anyone (wrong token)', 'apiAuthBearerToken', () => bearer({ token: 'wrong-token-5ecret', testUrl: `${api.url}/open/health` }), /Test URL .*\/open\/health answers 200 without the credential too/],
		['a Base URL that answers 404', 'apiAuthBearerToken', () => bearer({ testUrl: '', baseUrl: `${api.url}/missing` }), /Base URL .*\/missing answered 404, which says nothing about the credential/],
	])('%s', async (_name, type, data, expected) => {
		const before = api.requests.length;
		const result = await test(type, data());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(notVerified);
		expect(result.message).toMatch(expected);
		if (!data().baseUrl && !data().testUrl) expect(api.requests.length).toBe(before);
	});

	it('a wrong token without a Test URL is rejected at the Base URL', async () => {
		const result = await test('apiAuthBearerToken', bearer({ token: 'wrong-token-5ecret', testUrl: '', baseUrl: `${api.url}/v1` }));
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/\/v1: the API rejected the credential \(401/) });
	});

	it('OAuth2: a token the API at the Base URL rejects fails the test', async () => {
		const result = await test('apiAuthOAuth2', { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, baseUrl: `${api.url}/v1`, ...tls() });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/rejected the credential \(401/) });
	});

	it('OAuth2: an issued token is a check of the client even where the endpoint says nothing', async () => {
		const result = await test('apiAuthOAuth2', { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, baseUrl: `${api.url}/open`, ...tls() });
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/^Token obtained .*Set a Test URL to check that your API accepts the token/) });
	});
});

describe('hints name what to change: symptom → message', () => {
	const oauthCc = (extra: Record<string, unknown>) => ({ grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, ...tls(), ...extra });
	it.each<[string, string, () => Record<string, unknown>, RegExp, RegExp]>([
		['an empty client secret', 'apiAuthOAuth2', () => oauthCc({ clientSecret: '' }), /Client Secret field is empty: fill it in/, /extra token parameters|audience and resource/],
		['a plain-http Base URL with a relative Test URL', 'apiAuthBearerToken', () => bearer({ baseUrl: 'http://api.example.test/v1', testUrl: '/me' }), /^Base URL: "http:\/\/api\.example\.test" uses plain http.*Allow Plain HTTP/, /Test URL/],
		['a CA with the right name that did not sign the server certificate', 'apiAuthBearerToken', () => bearer({ tlsCa: pki.impostorCa.cert }), /\(CERT_SIGNATURE_FAILURE\).*CA Certificate field did not sign the server certificate/, /network path/],
		['an unrelated CA in the CA field', 'apiAuthBearerToken', () => bearer({ tlsCa: pki.otherCa.cert }), /not trusted.*CA Certificate field did not sign/, /network path/],
		['no CA for a private CA', 'apiAuthBearerToken', () => ({ token: TOKEN, testUrl: `${api.url}/me` }), /not trusted.*Add the CA certificate .* CA Certificate field \(Use Custom TLS\)/, /did not sign/],
		['a Bearer 401 where the user typed no "Bearer"', 'apiAuthBearerToken', () => bearer({ token: 'wrong-token-5ecret' }), /rejected the credential \(401.*Check the token; it may be wrong, expired or revoked/, /Bearer/],
	])('%s', async (_name, type, data, expected, notExpected) => {
		const result = await test(type, data());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(expected);
		expect(result.message).not.toMatch(notExpected);
	});
});

describe('diagnosis', () => {
	const cases: Array<[string, string, () => Record<string, unknown>, RegExp]> = [
		['401: credential rejected', 'apiAuthBearerToken', () => bearer({ token: 'wrong-token-5ecret' }), /rejected the credential \(401.*Check the token/],
		['403: authenticated but not allowed', 'apiAuthBearerToken', () => bearer({ testUrl: `${api.url}/forbidden` }), /not allowed.*403.*scope, role/],
		['invalid_client', 'apiAuthOAuth2', () => ({ grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: 'wrong-5ecret', ...tls() }), /invalid_client.*Check the client ID and client secret, and the Client Authentication/],
		['invalid_grant (password)', 'apiAuthOAuth2', () => ({ grantType: 'password', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, username: 'alice', password: 'wrong-5ecret', ...tls() }), /invalid_grant.*user name or password/],
		['invalid_grant (refresh token)', 'apiAuthOAuth2', () => ({ grantType: 'authorizationCode', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, refreshToken: 'not-a-real-refresh-token', ...tls() }), /invalid_grant.*expired or was revoked.*Reconnect/],
		['unknown CA: add the CA certificate', 'apiAuthBearerToken', () => ({ token: TOKEN, testUrl: `${api.url}/me` }), /not trusted.*Add the CA certificate/],
		['a CA that did not sign the server certificate', 'apiAuthBearerToken', () => bearer({ tlsCa: pki.otherCa.cert }), /not trusted.*paste the CA that did/],
		['certificate and key do not match', 'apiAuthBearerToken', () => bearer({ tlsCert: pki.client.cert, tlsKey: pki.strangerClient.key }), /private key does not belong to the client certificate/],
		['wrong passphrase', 'apiAuthBearerToken', () => bearer({ tlsCert: pki.client.cert, tlsKey: pki.clientKeyEncrypted, tlsPassphrase: 'wrong' }), /Private Key Passphrase: the passphrase does not decrypt/],
		['a server that requires a client certificate', 'apiAuthBearerToken', () => bearer({ testUrl: `${mtls.url}/me` }), /requires a client certificate/],
		['not a certificate', 'apiAuthBearerToken', () => bearer({ tlsCa: 'hello' }), /CA Certificate: this is not a PEM certificate/],
		['connection refused: check the URL', 'apiAuthBearerToken', () => bearer({ testUrl: 'https://127.0.0.1:1/me' }), /refused the connection.*Check the URL/],
		['plain HTTP where HTTPS is required', 'apiAuthBearerToken', () => bearer({ testUrl: 'http://api.example.test/me' }), /plain http.*Use https:\/\//],
		['an https URL to a plain-http server', 'apiAuthBearerToken', () => bearer({ testUrl: `https://127.0.0.1:${plain.port}/me` }), /does not speak HTTPS/],
		['an empty secret names the field', 'apiAuthApiKey', () => ({ apiKey: '', parameterName: 'X-API-Key' }), /^API Key: is empty/],
	];
	it.each(cases)('%s', async (_name, type, data, expected) => {
		const input = data();
		const result = await test(type, input);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(expected);
		const secrets = [input.token, input.apiKey, input.clientSecret, input.password, input.tlsPassphrase].filter((s): s is string => typeof s === 'string' && s.length > 3);
		expect(findLeaks(result, secrets)).toEqual([]);
	});

	it('timeout: check the URL or the service', async () => {
		const result = await test('apiAuthBearerToken', bearer({ testUrl: `${api.url}/slow` }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/did not answer within/);
	}, 30_000);
});

describe('an endpoint that echoes the secret into its failure', () => {
	let logs: ReturnType<typeof captureLogs>;
	beforeEach(() => {
		logs = captureLogs();
	});
	afterEach(() => logs.stop());

	const echoing = (r: TokenRequestRecord) => ({ kind: 'status' as const, status: 400, body: { error: 'invalid_request', error_description: `bad request: ${JSON.stringify(r.body)} ${r.authorization}` } });
	const cases: Array<[string, string, () => Record<string, unknown>, () => string[]]> = [
		['bearer token quoted in a 401', 'apiAuthBearerToken', () => bearer({ testUrl: `${api.url}/echo-fail` }), () => [TOKEN]],
		['API key header quoted in a 401', 'apiAuthApiKey', () => ({ apiKey: TOKEN, parameterName: 'X-API-Key', testUrl: `${api.url}/echo-fail`, ...tls() }), () => [TOKEN]],
		['API key query quoted in a 401', 'apiAuthApiKey', () => ({ apiKey: TOKEN, parameterName: 'api_key', placement: 'query', testUrl: `${api.url}/echo-fail`, ...tls() }), () => [TOKEN]],
		['Basic password quoted in a 401', 'apiAuthBasic', () => ({ user: 'alice', password: 'basic-5ecret-Pw-2718', testUrl: `${api.url}/echo-fail`, ...tls() }), () => ['basic-5ecret-Pw-2718']],
		['token endpoint quoting the client secret', 'apiAuthOAuth2', () => {
			oauth.setFault(echoing);
			return { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, authentication: 'body', ...tls() };
		}, () => [TEST_CLIENT.secret]],
		['OAuth2 access token quoted by the API', 'apiAuthOAuth2', () => ({ grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, testUrl: `${api.url}/echo-fail`, ...tls() }), () => [TEST_CLIENT.secret, ...api.requests.map((r) => String(r.headers.authorization ?? '').replace(/^Bearer /, '')).filter(Boolean)]],
	];
	it.each(cases)('%s: the failure is reported, no secret in the message or the logs', async (_name, type, data, secrets) => {
		const result = await test(type, data());
		expect(result.status).toBe('Error');
		// The token endpoint's description (with the echo) is part of the message, scrubbed; an API's
		// 401 body is not quoted at all.
		expect(result.message).toMatch(/401|invalid_request/);
		expect(findLeaks([result, testLogs, logs.lines], secrets())).toEqual([]);
	});
});
