/**
 * What a user meets setting up a Token Request credential, through n8n's real engine: every
 * configuration mistake is a field-named error before anything is sent (a recording server
 * counts), awkward passwords arrive intact in JSON and form bodies, the Test button says what it
 * found or exactly what is wrong, and no secret appears in any output, error or log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialTestFunctions, INodeType } from 'n8n-workflow';
import { captureLogs, loadPackage, runWorkflow } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { type LoginServer, startLoginServer } from '../servers/loginServer';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';
import { loginCredential, refreshingCredential } from '../support/tokenRequestCredential';

const AWKWARD = 'pa"ss\\wo&rd=1+2 %41 é日本🔑';
const SECRETS_DIR = mkdtempSync(join(tmpdir(), 'api-auth-login-secrets-'));
writeFileSync(join(SECRETS_DIR, 'login-password'), `${AWKWARD}\n`);
process.env.N8N_API_AUTH_SECRETS_DIR = SECRETS_DIR;
process.env.N8N_API_AUTH_SECRET_ENV_PREFIX = 'LOGINTEST_';
process.env.LOGINTEST_PASSWORD = AWKWARD;

let server: LoginServer;
let recorder: RecordingServer;
let logs: ReturnType<typeof captureLogs>;
/** Everything the runs and tests produced, swept for secrets at the end. */
const produced: unknown[] = [];

beforeAll(async () => {
	server = await startLoginServer({ users: { alice: 'correct horse', 'bob@example.com': AWKWARD } });
	recorder = await startRecordingServer();
	logs = captureLogs();
});
afterAll(async () => {
	logs.stop();
	await server.close();
	await recorder.close();
	distAgents.destroyAgents();
	rmSync(SECRETS_DIR, { recursive: true, force: true });
});
beforeEach(async () => {
	await resetTokenState();
	server.reset();
	recorder.requests.length = 0;
});

const get = (url: string) => ({ method: 'GET', url, options: {} });

async function run(credential: { type: string; data: Record<string, unknown> }, url = `${server.url}/api/a`) {
	const result = await runWorkflow({ parameters: get(url), credential, settings: { continueOnFail: true } });
	produced.push(result.output, result.error, result.run.data);
	return result;
}

async function credentialTest(data: Record<string, unknown>): Promise<{ status: string; message: string }> {
	const loader = await loadPackage();
	const node = loader.nodeTypes.apiAuthHttpRequest.type as INodeType;
	const context = { logger: { debug() {}, info() {}, warn() {}, error() {} }, helpers: {} } as unknown as ICredentialTestFunctions;
	const fn = node.methods?.credentialTest?.apiAuthCredentialTest as (this: ICredentialTestFunctions, c: unknown) => Promise<{ status: string; message: string }>;
	const result = await fn.call(context, { id: 'c', name: 'c', type: 'apiAuthTokenRequest', data });
	produced.push(result);
	return result;
}

describe('configuration mistakes: a field-named error, nothing sent', () => {
	// Case tables are built before the servers start: RECORDER stands for the recording server's origin.
	const towardsRecorder = (extra: Record<string, unknown>) =>
		loginCredential({ url: recorder.url }, Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, typeof v === 'string' ? v.replace('RECORDER', recorder.url) : v])));
	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		['bad token path', { tokenPath: 'data..token' }, /Token Path: "data\.\.token" has an empty step/],
		['bad index in a path', { tokenPath: 'items[first].token' }, /Token Path: .* bracket/],
		['bad expiry path', { expiryPath: 'data.' }, /Expiry Path: "data\." has an empty step/],
		['missing expiry path', { expiryPath: '' }, /Expiry Path: is empty/],
		['missing login URL', { loginUrl: '' }, /Login URL: is empty/],
		['login URL that is no URL', { loginUrl: 'auth/login' }, /Login URL: "auth\/login" is not a valid URL/],
		['bad JSON template', { loginBody: '{"username": "{{username}}", "password": {{password}}}' }, /Login Body: is not valid JSON/],
		['unknown placeholder', { loginBody: '{"username": "{{username}}", "password": "{{pasword}}"}' }, /Login Body: unknown placeholder \{\{pasword\}\}/],
		['placeholder of an empty field', { loginBody: '{"key": "{{apiKey}}"}' }, /Login Body: \{\{apiKey\}\} is not available here/],
		['refresh token in the login', { loginBody: '{"rt": "{{refreshToken}}"}' }, /Login Body: \{\{refreshToken\}\} is not available here/],
		['unclosed placeholder', { loginBody: '{"password": "{{password"}' }, /Login Body: has an unclosed placeholder/],
		['bad header template', { loginHeaders: '{"X Key": "{{password}}"}' }, /Login Headers: "X Key" is not a valid header name/],
		['form without names', { loginBodyType: 'form', loginBody: '=x&password={{password}}' }, /Login Body: has a field without a name/],
		['GET with a body', { loginMethod: 'GET' }, /Login Body Type: a GET request has no body/],
		['Basic without a password', { loginAuthentication: 'basic', password: '', loginBody: '{"u": "{{username}}"}' }, /Login Authentication: Basic needs the Username and the Password/],
		['refresh without a refresh token path', { useRefreshRequest: true, refreshUrl: 'RECORDER/refresh', refreshBody: '{"rt": "{{refreshToken}}"}' }, /Refresh Token Path: is empty while Use Refresh Request is on/],
		['refresh body without the refresh token', { useRefreshRequest: true, refreshTokenPath: 'data.rt', refreshUrl: 'RECORDER/refresh', refreshBody: '{"a": "b"}' }, /Refresh Body: does not send \{\{refreshToken\}\}/],
		['unknown expiry kind', { expiry: 'sometimes' }, /Expiry: "sometimes" is not a known option/],
		['bad cookie name', { sendTokenIn: 'cookie', sendCookieName: 'a b' }, /Cookie Name: "a b" is not a valid cookie name/],
	];
	it.each(cases)('%s', async (_name, extra, message) => {
		const { output } = await run(towardsRecorder(extra), `${recorder.url}/api/a`);
		expect(String(output[0].json.error)).toMatch(message);
		expect(recorder.requests).toHaveLength(0);
	});
});

describe('awkward passwords arrive intact', () => {
	it.each([
		['JSON body', { loginBodyType: 'json', loginBody: '{"username": "{{username}}", "password": "{{password}}"}' }],
		['form body', { loginBodyType: 'form', loginBody: 'username={{username}}&password={{password}}' }],
		['form body written as JSON fields', { loginBodyType: 'form', loginBody: '{"username": "{{username}}", "password": "{{password}}"}' }],
		['Basic authentication', { loginBodyType: 'none', loginAuthentication: 'basic' }],
	])('%s, from a $file: reference', async (_name, extra) => {
		const { output } = await run(loginCredential(server, { username: 'bob@example.com', password: '$file:login-password', ...extra }));
		expect(output[0].json.ok).toBe(true);
		expect(server.passwords).toEqual([AWKWARD]);
	});

	it('the form body is form-encoded, the JSON body JSON-escaped (as sent on the wire)', async () => {
		await run(loginCredential(server, { username: 'bob@example.com', password: '$env:LOGINTEST_PASSWORD', loginBodyType: 'form', loginBody: 'username={{username}}&password={{password}}' }));
		await resetTokenState();
		await run(loginCredential(server, { username: 'bob@example.com', password: '$env:LOGINTEST_PASSWORD' }));
		const [form, json] = server.requests.filter((r) => r.path === '/auth/login').map((r) => r.body.toString('utf8'));
		expect(form).toBe(new URLSearchParams({ username: 'bob@example.com', password: AWKWARD }).toString());
		expect(json).toBe(JSON.stringify({ username: 'bob@example.com', password: AWKWARD }));
	});
});

describe('the Test button', () => {
	it('says where the token was found, whether a refresh token came, and the expiry with its signal', async () => {
		const result = await credentialTest(refreshingCredential(server).data);
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Token found at path `data\.token`, refresh token: yes, expires in 15 min \(from `data\.expires`, an ISO 8601 time\)\./);
	});

	it('with a Test URL: the findings, then the API\'s verdict with and without the token', async () => {
		const result = await credentialTest(loginCredential(server, { testUrl: `${server.url}/api/me` }).data);
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Token found at path `data\.token`, refresh token: no, expires in 15 min .* Connection tested successfully: .*\/api\/me answered 200 with the credential and 401 without it\./);
	});

	it('a JWT as plain text: its exp is the signal', async () => {
		server.options.expiryFormat = 'jwt';
		const result = await credentialTest({ loginUrl: `${server.url}/api/token`, loginBodyType: 'none', loginAuthentication: 'apiKey', apiKey: server.options.apiKey, tokenFrom: 'text' });
		server.options.expiryFormat = 'iso';
		expect(result.message).toMatch(/^Token found as the whole \(plain-text\) answer, refresh token: no, expires in 15 min \(from the JWT exp claim\)/);
	});

	it('a wrong path: the keys the answer has, never a value', async () => {
		const result = await credentialTest(loginCredential(server, { tokenPath: 'data.accessToken' }).data);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/no value at path `data\.accessToken` \(Token Path\); the answer has keys `data\.token`, `data\.refreshToken`, `data\.expires`, `data\.user\.name`/);
		expect(result.message).not.toMatch(/tok_|rt_|alice/);
	});

	it('a refused login: the status and the server\'s own words', async () => {
		const result = await credentialTest(loginCredential(server, { password: 'nope-wrong-pw' }).data);
		expect(result.message).toMatch(/HTTP 401, the login was refused \(the server says: "Invalid username or password"\)/);
		expect(result.message).toMatch(/Check Username, Password/);
	});

	it('an HTML login page instead of the API', async () => {
		const result = await credentialTest(loginCredential(server, { loginUrl: `${server.url}/login-page` }).data);
		expect(result.message).toMatch(/answered 200, but the answer is HTML, not JSON/);
	});

	it('a cookie that is not set: the cookies that are', async () => {
		const result = await credentialTest({ loginUrl: `${server.url}/session/login`, loginBodyType: 'form', loginBody: 'username={{username}}&password={{password}}', username: 'alice', password: 'correct horse', tokenFrom: 'cookie', tokenCookie: 'session' });
		expect(result.message).toMatch(/the answer sets no `session` cookie \(Token Cookie\); it sets `theme`, `sid`/);
	});

	it('a login URL nobody listens on: the network diagnosis', async () => {
		const result = await credentialTest(loginCredential({ url: 'http://127.0.0.1:9' }).data);
		expect(result.message).toMatch(/Login request to http:\/\/127\.0\.0\.1:9\/auth\/login failed: .*refused/i);
	});
});

describe('secret sweep', () => {
	it('no password, API key, token or refresh token in any output, error or log of this file', async () => {
		// One more run with an API that echoes the request back, the worst an API can do.
		recorder.setHandler((req) => ({ status: 200, body: { headers: req.headers, url: req.url } }));
		await run(loginCredential(server, { username: 'bob@example.com', password: AWKWARD, loginUrl: `${server.url}/auth/login` }), `${recorder.url}/echo`);
		const secrets = [AWKWARD, 'correct horse', server.options.apiKey, ...server.issued];
		expect(findLeaks([...produced, logs.lines], secrets)).toEqual([]);
		expect(server.issued.length).toBeGreaterThan(5);
	});
});
