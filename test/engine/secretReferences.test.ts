/**
 * Secrets by reference ($env:NAME, $file:NAME), resolved in the process that runs the item,
 * within the gates the operator sets: refusals name the field and the rule and leak nothing;
 * a rotated file is used on the next request; OAuth2 state is never reused under another secret.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkflow } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const PREFIX = 'APIAUTH_TEST_';
const ENV_TOKEN = 'env-token-5ecret-Value-77';
const FILE_TOKEN = 'file-token-5ecret-Value-88';
const OUTSIDE = 'outside-5ecret-Value-99';
const REDIS_PASSWORD = 'redis-5ecret-Password-66';
let api: RecordingServer;
let oauth: OAuth2TestServer;
let secretsDir: string;
let outsideFile: string;
const saved = { ...process.env };

/** The folder of the secret files (and a file outside them): removed at the end. */
let root: string;

beforeAll(async () => {
	api = await startRecordingServer({});
	oauth = await startOAuth2Server();
	root = mkdtempSync(join(tmpdir(), 'api-auth-secrets-'));
	secretsDir = join(root, 'secrets');
	mkdirSync(secretsDir);
	writeFileSync(join(secretsDir, 'api-token'), `${FILE_TOKEN}\n`);
	outsideFile = join(root, 'outside');
	writeFileSync(outsideFile, OUTSIDE);
	symlinkSync(outsideFile, join(secretsDir, 'escape'));
	writeFileSync(join(secretsDir, 'empty'), '\n');
});
afterAll(async () => {
	process.env = saved;
	await Promise.all([api.close(), oauth.close()]);
	distAgents.destroyAgents();
	rmSync(root, { recursive: true, force: true });
});
beforeEach(async () => {
	process.env = { ...saved, N8N_API_AUTH_SECRET_ENV_PREFIX: PREFIX, N8N_API_AUTH_SECRETS_DIR: secretsDir, [`${PREFIX}TOKEN`]: ENV_TOKEN, N8N_ENCRYPTION_KEY: 'n8n-encryption-5ecret-key', OTHER_SECRET: OUTSIDE, N8N_API_AUTH_REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:1` };
	api.requests.length = 0;
	oauth.tokenRequests.length = 0;
	await resetTokenState();
});

const bearer = (token: string, extra: Record<string, unknown> = {}) => ({ type: 'apiAuthBearerToken', data: { token, ...extra } });
const get = () => ({ method: 'GET', url: `${api.url}/x`, options: { authTrace: true } });

describe('resolved at run time', () => {
	it('$env:NAME: the value is sent; the trace names the variable, never the value', async () => {
		const { output, error } = await runWorkflow({ parameters: get(), credential: bearer(`$env:${PREFIX}TOKEN`) });
		expect(error).toBeUndefined();
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${ENV_TOKEN}`);
		expect(output[0].json.authTrace).toMatchObject({ method: 'bearer', secretSources: { Token: `env:${PREFIX}TOKEN` } });
		expect(findLeaks(output, [ENV_TOKEN])).toEqual([]);
	});

	it('$file:NAME: the file inside the secrets folder, trailing newline removed; the trace names the file', async () => {
		const { output } = await runWorkflow({ parameters: get(), credential: bearer('$file:api-token') });
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${FILE_TOKEN}`);
		expect(output[0].json.authTrace).toMatchObject({ secretSources: { Token: 'file:api-token' } });
	});

	it('a stored value is reported as "stored"', async () => {
		const { output } = await runWorkflow({ parameters: get(), credential: bearer('plain-token-value') });
		expect(output[0].json.authTrace).toMatchObject({ secretSources: { Token: 'stored' } });
	});

	it('a rotated file is picked up by the next run, without a restart', async () => {
		const file = join(secretsDir, 'rotating');
		writeFileSync(file, 'rotation-one-5ecret');
		await runWorkflow({ parameters: get(), credential: bearer('$file:rotating') });
		writeFileSync(file, 'rotation-two-5ecret');
		await runWorkflow({ parameters: get(), credential: bearer('$file:rotating') });
		expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer rotation-one-5ecret', 'Bearer rotation-two-5ecret']);
	});

	it('OAuth2: a client secret changed behind its reference means a new token; the old one is not reused', async () => {
		const file = join(secretsDir, 'client-secret');
		const credential = { type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: '$file:client-secret' } };
		writeFileSync(file, TEST_CLIENT.secret);
		await runWorkflow({ parameters: { method: 'GET', url: `${oauth.apiUrl}/a` }, credential });
		await runWorkflow({ parameters: { method: 'GET', url: `${oauth.apiUrl}/a` }, credential });
		expect(oauth.tokenRequests).toHaveLength(1);
		writeFileSync(file, 'a-rotated-5ecret-the-server-does-not-know');
		const after = await runWorkflow({ parameters: { method: 'GET', url: `${oauth.apiUrl}/a` }, credential });
		expect(oauth.tokenRequests).toHaveLength(2);
		expect(after.error?.message).toMatch(/invalid_client/);
		expect(findLeaks(after.run, ['a-rotated-5ecret-the-server-does-not-know', TEST_CLIENT.secret])).toEqual([]);
	});

	it('the base URL and other non-secret fields take references too', async () => {
		process.env[`${PREFIX}BASE_URL`] = `${api.url}/v2`;
		const { error } = await runWorkflow({ parameters: { method: 'GET', url: '/orders' }, credential: bearer(`$env:${PREFIX}TOKEN`, { baseUrl: `$env:${PREFIX}BASE_URL` }) });
		expect(error).toBeUndefined();
		expect(api.requests[0].path).toBe('/v2/orders');
	});
});

describe('the operator decides what may be read', () => {
	const refusals: Array<[string, () => void, string, RegExp]> = [
		['a variable outside the prefix', () => undefined, '$env:OTHER_SECRET', /only variables whose names start with "APIAUTH_TEST_" are allowed/],
		['N8N_ENCRYPTION_KEY, whatever the prefix', () => { process.env.N8N_API_AUTH_SECRET_ENV_PREFIX = 'N8N_'; }, '$env:N8N_ENCRYPTION_KEY', /may not be read/],
		['the gate variable itself', () => { process.env.N8N_API_AUTH_SECRET_ENV_PREFIX = 'N8N_'; }, '$env:N8N_API_AUTH_SECRETS_DIR', /may not be read/],
		['the package\'s own settings, even under the package\'s prefix', () => { process.env.N8N_API_AUTH_SECRET_ENV_PREFIX = 'N8N_API_AUTH_'; }, '$env:N8N_API_AUTH_REDIS_URL', /N8N_API_AUTH_REDIS_URL may not be read: the package's own settings/],
		['"../" in a file name', () => undefined, '$file:../outside', /outside the secrets folder/],
		['an absolute path outside the folder', () => undefined, `$file:${'/etc/passwd'}`, /outside the secrets folder/],
		['a symlink that points out of the folder', () => undefined, '$file:escape', /outside the secrets folder/],
		['env references while the prefix gate is unset', () => { delete process.env.N8N_API_AUTH_SECRET_ENV_PREFIX; }, `$env:${PREFIX}TOKEN`, /environment references are turned off/],
		['file references while the folder gate is unset', () => { delete process.env.N8N_API_AUTH_SECRETS_DIR; }, '$file:api-token', /file references are turned off/],
		['a missing variable', () => undefined, `$env:${PREFIX}MISSING`, /APIAUTH_TEST_MISSING is not set/],
		['a missing file', () => undefined, '$file:missing', /"missing" does not exist/],
		['an empty file', () => undefined, '$file:empty', /"empty" is empty/],
	];
	it.each(refusals)('%s: refused, naming the field and the rule, leaking nothing', async (_name, setup, reference, message) => {
		setup();
		const { error, run } = await runWorkflow({ parameters: get(), credential: bearer(reference) });
		expect(error?.message.startsWith('Token: ')).toBe(true);
		expect(error?.message).toMatch(message);
		expect(api.requests).toHaveLength(0);
		expect(findLeaks(run, [OUTSIDE, 'n8n-encryption-5ecret-key', ENV_TOKEN, FILE_TOKEN, secretsDir, REDIS_PASSWORD])).toEqual([]);
	});
});

describe('a value read through a reference is never quoted, whichever field it is in', () => {
	// Someone who may create a credential must not read an allowed variable or file through an error.
	const HIDDEN = 'hidden-5ecret-Value-not-a-url';
	it.each([
		['Base URL', (ref: string) => bearer(`$env:${PREFIX}TOKEN`, { baseUrl: ref })],
		['Authorization URL', (ref: string) => ({ type: 'apiAuthOAuth2', data: { grantType: 'authorizationCode', accessTokenUrl: oauth.tokenUrl, authUrl: ref, clientId: TEST_CLIENT.id, refreshToken: 'r' } })],
		['Access Token URL', (ref: string) => ({ type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', accessTokenUrl: ref, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret } })],
		['Client ID', (ref: string) => ({ type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', accessTokenUrl: 'ftp://x', clientId: ref, clientSecret: TEST_CLIENT.secret } })],
	])('%s', async (_field, credential) => {
		process.env[`${PREFIX}HIDDEN`] = HIDDEN;
		writeFileSync(join(secretsDir, 'hidden'), HIDDEN);
		for (const ref of [`$env:${PREFIX}HIDDEN`, '$file:hidden']) {
			const { error, run } = await runWorkflow({ parameters: get(), credential: credential(ref) });
			expect(error).toBeDefined();
			expect(findLeaks(run, [HIDDEN])).toEqual([]);
		}
	});
});
