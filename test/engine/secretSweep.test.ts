/**
 * The secret sweep: the whole scenario set (every method, success and failure, full response,
 * auth trace, token-server faults, TLS faults) runs with recognisable secret values against
 * servers that echo what they receive, and no secret may appear — plain, URL-encoded or base64 —
 * in outputs, errors (message, description, cause chain, JSON), logs, or the run data.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogs, runWorkflow, type RunResult } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { CLIENT_KEY_PASSPHRASE, testPki, type TestPki } from '../servers/certs';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT, TEST_USER } from '../servers/oauth2Server';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const S = {
	token: 'SWEEP-bearer-5ecret-7f3a9',
	apiKey: 'SWEEP-apikey-5ecret-81bd2',
	password: 'SWEEP-basic-pw-5ecret-c4e1',
	wrong: 'SWEEP-wrong-5ecret-0000',
	// Resolved from references ($env:, $file:) when the request is made.
	envToken: 'SWEEP-env-token-5ecret-5d21',
	envPassword: 'SWEEP-env-basic-5ecret-9a7c',
};
const SECRETS_DIR = mkdtempSync(join(tmpdir(), 'api-auth-sweep-secrets-'));
writeFileSync(join(SECRETS_DIR, 'client-secret'), `${TEST_CLIENT.secret}\n`);
writeFileSync(join(SECRETS_DIR, 'api-key'), S.apiKey);
process.env.N8N_API_AUTH_SECRET_ENV_PREFIX = 'SWEEP_';
process.env.N8N_API_AUTH_SECRETS_DIR = SECRETS_DIR;
process.env.SWEEP_TOKEN = S.envToken;
process.env.SWEEP_PASSWORD = S.envPassword;

let pki: TestPki;
let echo: RecordingServer;
let mtls: RecordingServer;
let oauth: OAuth2TestServer;
let logs: ReturnType<typeof captureLogs>;
const issuedTokens: string[] = [];

function allSecrets(): string[] {
	return [S.token, S.apiKey, S.password, S.wrong, S.envToken, S.envPassword, `alice:${S.envPassword}`, TEST_CLIENT.secret, `${TEST_CLIENT.id}:${TEST_CLIENT.secret}`, `${TEST_CLIENT.id}:${S.wrong}`, TEST_USER.password, `alice:${S.password}`, CLIENT_KEY_PASSPHRASE, pki.client.key, pki.clientKeyEncrypted, ...issuedTokens];
}

beforeAll(async () => {
	pki = await testPki();
	// Echoes the request back in the body and in a response header: the worst an API can do.
	echo = await startRecordingServer({
		handler: (req) => ({
			status: req.path.startsWith('/fail') ? 401 : 200,
			headers: { 'x-echo-authorization': String(req.headers.authorization ?? ''), 'x-echo-key': String(req.headers['x-api-key'] ?? '') },
			body: { headers: req.headers, query: Object.fromEntries(req.query), url: req.url },
		}),
	});
	mtls = await startRecordingServer({ tls: { ...pki.server, requestCert: true, ca: pki.clientCa.cert }, handler: (req) => ({ status: 200, body: { headers: req.headers } }) });
	oauth = await startOAuth2Server();
});
afterAll(async () => {
	await Promise.all([echo.close(), mtls.close(), oauth.close()]);
	distAgents.destroyAgents();
	rmSync(SECRETS_DIR, { recursive: true, force: true });
});
beforeEach(async () => {
	await resetTokenState();
	oauth.setFault(undefined);
	logs = captureLogs();
});
afterEach(() => logs.stop());

const options = { fullResponse: true, authTrace: true };
type Scenario = [name: string, run: () => Promise<RunResult>];

/** Arguments are thunks: the servers exist only once the suite runs. */
const viaEngine = (type: string, data: () => Record<string, unknown>, url: () => string, extra: Record<string, unknown> = {}) => () =>
	runWorkflow({ parameters: { method: 'GET', url: url(), options: { ...options, ...extra } }, credential: { type, data: data() } });
const cc = (extra: Record<string, unknown> = {}) => () => ({ grantType: 'clientCredentials', accessTokenUrl: oauth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, ...extra });
const at = (path: string) => () => `${echo.url}${path}`;
const atMtls = () => `${mtls.url}/secure`;
const fixed = (data: Record<string, unknown>) => () => data;
const withFault = (fault: Parameters<OAuth2TestServer['setFault']>[0], run: () => Promise<RunResult>) => async () => {
	oauth.setFault(fault);
	return await run();
};

const scenarios: Scenario[] = [
	['bearer, echoed', viaEngine('apiAuthBearerToken', fixed({ token: S.token }), at('/ok'))],
	['bearer, rejected with an echo in the error body', viaEngine('apiAuthBearerToken', fixed({ token: S.wrong }), at('/fail'))],
	['bearer, never error', viaEngine('apiAuthBearerToken', fixed({ token: S.token }), at('/fail'), { neverError: true })],
	['API key in a header, echoed', viaEngine('apiAuthApiKey', fixed({ apiKey: S.apiKey, parameterName: 'X-API-Key' }), at('/ok'))],
	['API key in the query, echoed', viaEngine('apiAuthApiKey', fixed({ apiKey: S.apiKey, parameterName: 'api_key', placement: 'query' }), at('/ok'))],
	['API key in the query, rejected', viaEngine('apiAuthApiKey', fixed({ apiKey: S.wrong, parameterName: 'api_key', placement: 'query' }), at('/fail'))],
	['basic, echoed', viaEngine('apiAuthBasic', fixed({ user: 'alice', password: S.password }), at('/ok'))],
	['basic, rejected', viaEngine('apiAuthBasic', fixed({ user: 'alice', password: S.wrong }), at('/fail'))],
	['basic, user with a colon', viaEngine('apiAuthBasic', fixed({ user: 'a:lice', password: S.password }), at('/ok'))],
	['OAuth2 client credentials, token echoed by the API', viaEngine('apiAuthOAuth2', cc(), at('/ok'))],
	['OAuth2 client credentials in the body, token in the query', viaEngine('apiAuthOAuth2', cc({ authentication: 'body', tokenPlacement: 'query' }), at('/ok'))],
	['OAuth2 password grant', viaEngine('apiAuthOAuth2', cc({ grantType: 'password', username: TEST_USER.username, password: TEST_USER.password }), at('/ok'))],
	['OAuth2 wrong client secret', viaEngine('apiAuthOAuth2', cc({ clientSecret: S.wrong }), at('/ok'))],
	['OAuth2 wrong user password', viaEngine('apiAuthOAuth2', cc({ grantType: 'password', username: 'alice', password: S.wrong }), at('/ok'))],
	['OAuth2 token endpoint echoing the secret in its error', withFault(
		(r) => ({ kind: 'status', status: 400, body: { error: 'invalid_request', error_description: `bad request: ${JSON.stringify(r.body)} ${r.authorization}` } }),
		viaEngine('apiAuthOAuth2', cc(), at('/ok')),
	)],
	['OAuth2 token endpoint 500 with an echo', withFault(
		(r) => ({ kind: 'status', status: 500, body: `failed for ${r.authorization}`, contentType: 'text/plain' }),
		// A 500 is waited out with back-off until the item's timeout: 3 s bounds it (the default, 30 s, came close to jest's limit).
		viaEngine('apiAuthOAuth2', cc(), at('/ok'), { timeout: 3000 }),
	)],
	['OAuth2 token endpoint timeout', withFault({ kind: 'delay', ms: 2000 }, viaEngine('apiAuthOAuth2', cc(), at('/ok'), { timeout: 1000 }))],
	['OAuth2 token endpoint answering HTML', withFault({ kind: 'respond', body: '<html>login</html>', contentType: 'text/html' }, viaEngine('apiAuthOAuth2', cc(), at('/ok')))],
	['OAuth2 refresh token revoked', async () => {
		const { refreshToken } = await oauth.issueGrant();
		issuedTokens.push(refreshToken);
		oauth.setFault({ kind: 'status', status: 400, body: { error: 'invalid_grant', error_description: `revoked ${refreshToken}` } });
		return await viaEngine('apiAuthOAuth2', cc({ grantType: 'authorizationCode', refreshToken }), at('/ok'))();
	}],
	['mTLS with an encrypted key, echoed', viaEngine('apiAuthBearerToken', () => ({ token: S.token, useCustomTls: true, tlsCa: pki.ca.cert, tlsCert: pki.client.cert, tlsKey: pki.clientKeyEncrypted, tlsPassphrase: CLIENT_KEY_PASSPHRASE }), atMtls)],
	['mTLS wrong passphrase', viaEngine('apiAuthBearerToken', () => ({ token: S.token, useCustomTls: true, tlsCa: pki.ca.cert, tlsCert: pki.client.cert, tlsKey: pki.clientKeyEncrypted, tlsPassphrase: S.wrong }), atMtls)],
	['mTLS server without a client certificate', viaEngine('apiAuthBearerToken', () => ({ token: S.token, useCustomTls: true, tlsCa: pki.ca.cert }), atMtls)],
	['TLS unknown CA', viaEngine('apiAuthBearerToken', fixed({ token: S.token }), atMtls)],
	['bearer token from $env:, echoed', viaEngine('apiAuthBearerToken', fixed({ token: '$env:SWEEP_TOKEN' }), at('/ok'))],
	['bearer token from $env:, rejected', viaEngine('apiAuthBearerToken', fixed({ token: '$env:SWEEP_TOKEN' }), at('/fail'))],
	['API key from $file:, echoed in the query', viaEngine('apiAuthApiKey', fixed({ apiKey: '$file:api-key', parameterName: 'api_key', placement: 'query' }), at('/ok'))],
	['basic password from $env:, rejected', viaEngine('apiAuthBasic', fixed({ user: 'alice', password: '$env:SWEEP_PASSWORD' }), at('/fail'))],
	['OAuth2 client secret from $file:, token endpoint echoing it', withFault(
		(r) => ({ kind: 'status', status: 400, body: { error: 'invalid_request', error_description: `bad request: ${JSON.stringify(r.body)} ${r.authorization}` } }),
		viaEngine('apiAuthOAuth2', cc({ clientSecret: '$file:client-secret', authentication: 'body' }), at('/ok')),
	)],
	['continue on fail keeps errors clean too', () =>
		runWorkflow({ parameters: { method: 'GET', url: `${echo.url}/fail`, options }, credential: { type: 'apiAuthBasic', data: { user: 'alice', password: S.wrong } }, settings: { continueOnFail: true } })],
];

it.each(scenarios)('%s', async (_name, run) => {
	const result = await run();
	for (const record of oauth.apiRequests) if (record.authorization) issuedTokens.push(record.authorization.replace(/^Bearer /, ''));
	for (const request of echo.requests) {
		const auth = request.headers.authorization;
		if (auth?.startsWith('Bearer ')) issuedTokens.push(auth.slice(7));
		const fromQuery = request.query.get('access_token');
		if (fromQuery) issuedTokens.push(fromQuery);
	}
	const thrown = result.error;
	expect(findLeaks(result.output, allSecrets())).toEqual([]);
	expect(findLeaks(thrown, allSecrets())).toEqual([]);
	expect(findLeaks(JSON.stringify(thrown ?? null), allSecrets())).toEqual([]);
	expect(findLeaks(result.run, allSecrets())).toEqual([]);
	expect(findLeaks(logs.lines, allSecrets())).toEqual([]);
	// The scenario really exercised something: either data came back or an error was reported.
	expect(result.output.length > 0 || thrown !== undefined).toBe(true);
});
