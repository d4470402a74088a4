/**
 * "Authenticated HTTP: OAuth 2.0 Connect": n8n's Connect button stores oauthTokenData in the credential
 * (n8n_expires_at included, as n8n 2.40's callback writes it). The node uses that access token
 * while it lasts, then refreshes with its refresh token and keeps the rotated tokens in its store.
 */
import { runWorkflow } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';

let server: OAuth2TestServer;
beforeAll(async () => {
	server = await startOAuth2Server();
});
afterAll(async () => {
	await server.close();
	distAgents.destroyAgents();
});
beforeEach(async () => {
	server.tokenRequests.length = 0;
	await resetTokenState();
});

const connect = (oauthTokenData?: Record<string, unknown>) => ({
	type: 'apiAuthOAuth2Connect',
	data: {
		grantType: 'authorizationCode',
		usePkce: true,
		authUrl: server.authorizeUrl,
		accessTokenUrl: server.tokenUrl,
		clientId: TEST_CLIENT.id,
		clientSecret: TEST_CLIENT.secret,
		scope: 'read',
		authentication: 'header',
		...(oauthTokenData ? { oauthTokenData } : {}),
	},
});
const get = { method: 'GET', url: '', options: { authTrace: true } };

it('uses the access token n8n stored while it is valid: no token request', async () => {
	const { accessToken, refreshToken } = await server.issueGrant();
	const { output, error } = await runWorkflow({
		parameters: { ...get, url: `${server.apiUrl}/a` },
		credential: connect({ access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: 3600, n8n_expires_at: String(Date.now() + 3_600_000) }),
	});
	expect(error).toBeUndefined();
	expect(output[0].json).toMatchObject({ ok: true, user: 'alice' });
	expect((output[0].json.authTrace as { tokenSource: string }).tokenSource).toBe('credential');
	expect(server.tokenRequests).toHaveLength(0);
});

it('refreshes with the stored refresh token once the access token expired, and keeps the rotated one', async () => {
	const { accessToken, refreshToken } = await server.issueGrant();
	const credential = connect({ access_token: accessToken, refresh_token: refreshToken, n8n_expires_at: String(Date.now() - 1000) });
	const first = await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential });
	expect(first.error).toBeUndefined();
	expect((first.output[0].json.authTrace as { tokenSource: string }).tokenSource).toBe('refreshed');
	// n8n's copy of the tokens is now stale (its refresh token was used); the store's copy is the one that counts.
	const second = await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential });
	expect(second.error).toBeUndefined();
	expect(server.tokenRequests.map((r) => r.body.refresh_token)).toEqual([refreshToken]);
	expect(server.revokedGrants.size).toBe(0);
});

it('not connected yet: a clear error that says to press Connect', async () => {
	const { error } = await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential: connect() });
	expect(error?.message).toBe('Connect: the credential is not connected yet');
	expect(error?.description).toMatch(/press Connect/);
});

it('connected without a refresh token (a long-lived token, e.g. GitHub OAuth apps): used until the API rejects it, then "reconnect"', async () => {
	const { accessToken } = await server.issueGrant();
	const ok = await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential: connect({ access_token: accessToken }) });
	expect(ok.error).toBeUndefined();
	server.expireAccessTokens();
	const rejected = await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential: connect({ access_token: accessToken }) });
	expect(rejected.error?.message).toMatch(/no refresh token to renew it with/);
	expect(rejected.error?.description).toMatch(/Reconnect the credential/);
	expect(server.tokenRequests).toHaveLength(0);
});

it('pressing Connect again (a new refresh token) starts from the new tokens', async () => {
	const old = await server.issueGrant();
	await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential: connect({ refresh_token: old.refreshToken }) });
	const fresh = await server.issueGrant();
	const { error } = await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential: connect({ refresh_token: fresh.refreshToken }) });
	expect(error).toBeUndefined();
	expect(server.tokenRequests.map((r) => r.body.refresh_token)).toEqual([old.refreshToken, fresh.refreshToken]);
});

describe('n8n\'s Allowed HTTP Request Domains (All / Specific Domains / None), with n8n\'s meaning', () => {
	const connected = async (extra: Record<string, unknown>) => {
		const { accessToken, refreshToken } = await server.issueGrant();
		const credential = connect({ access_token: accessToken, refresh_token: refreshToken, n8n_expires_at: String(Date.now() + 3_600_000) });
		return { ...credential, data: { ...credential.data, ...extra } };
	};
	const run = async (extra: Record<string, unknown>) => {
		const before = server.apiRequests.length;
		const result = await runWorkflow({ parameters: { ...get, url: `${server.apiUrl}/a` }, credential: await connected(extra) });
		return { ...result, apiCalls: server.apiRequests.length - before };
	};

	it.each<[string, Record<string, unknown>]>([
		['All', { allowedHttpRequestDomains: 'all' }],
		['Specific Domains listing the API host', { allowedHttpRequestDomains: 'domains', allowedDomains: '127.0.0.1' }],
		['a credential saved before the setting existed', {}],
	])('%s: the request is sent', async (_name, extra) => {
		const { error, apiCalls } = await run(extra);
		expect(error).toBeUndefined();
		expect(apiCalls).toBe(1);
	});

	it.each<[string, Record<string, unknown>, string, RegExp]>([
		['None', { allowedHttpRequestDomains: 'none', allowedDomains: '127.0.0.1' }, 'Allowed HTTP Request Domains: is "None", so this credential may not be used for requests', /Choose All or Specific Domains/],
		['Specific Domains without the API host', { allowedHttpRequestDomains: 'domains', allowedDomains: 'api.example.test' }, 'URL: host "127.0.0.1" is not in the credential\'s allowed domains (api.example.test)', /Add "127.0.0.1"/],
		['Specific Domains with an empty list (n8n refuses it too)', { allowedHttpRequestDomains: 'domains', allowedDomains: ' ' }, 'Allowed Domains: is empty while Allowed HTTP Request Domains is "Specific Domains"', /or choose All/],
	])('%s: refused, nothing sent', async (_name, extra, message, fix) => {
		const { error, apiCalls } = await run(extra);
		expect(error?.message).toBe(message);
		expect(error?.description).toMatch(fix);
		expect(apiCalls).toBe(0);
		expect(server.tokenRequests).toHaveLength(0);
	});
});
