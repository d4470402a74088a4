/**
 * OAuth2 grants through n8n's real engine against a real OAuth2 server: what the token endpoint
 * and the API received, one token request for many parallel items, and client authentication.
 */
import { runWorkflow } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT, TEST_USER } from '../servers/oauth2Server';

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
	server.apiRequests.length = 0;
	server.setFault(undefined);
	await resetTokenState();
});

const clientCredentials = (extra: Record<string, unknown> = {}) => ({
	type: 'apiAuthOAuth2',
	data: { grantType: 'clientCredentials', accessTokenUrl: server.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, ...extra },
});

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('client credentials', () => {
	it('100 parallel items: exactly one token request, every API call authorized with it', async () => {
		const { output, error } = await runWorkflow({
			parameters: { method: 'GET', url: `${server.apiUrl}/orders`, options: { concurrency: 100 } },
			credential: clientCredentials(),
			items: items(100),
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(100);
		expect(output.every((o) => o.json.ok === true && o.json.client === TEST_CLIENT.id)).toBe(true);
		expect(server.tokenRequests).toHaveLength(1);
		expect(server.tokenRequests[0].grantType).toBe('client_credentials');
		expect(new Set(server.apiRequests.map((r) => r.authorization)).size).toBe(1);
		expect(output.map((o) => o.pairedItem)).toEqual(items(100).map((_, item) => ({ item })));
	});

	it('client authentication in the header: HTTP Basic, no secret in the body', async () => {
		await runWorkflow({ parameters: { method: 'GET', url: `${server.apiUrl}/x` }, credential: clientCredentials({ authentication: 'header' }) });
		const [record] = server.tokenRequests;
		expect(record.authorization).toBe(`Basic ${Buffer.from(`${TEST_CLIENT.id}:${TEST_CLIENT.secret}`).toString('base64')}`);
		expect(record.body.client_secret).toBeUndefined();
	});

	it('client authentication in the body: client_id and client_secret as form fields, no Basic header', async () => {
		const { error } = await runWorkflow({ parameters: { method: 'GET', url: `${server.apiUrl}/x` }, credential: clientCredentials({ authentication: 'body' }) });
		expect(error).toBeUndefined();
		const [record] = server.tokenRequests;
		expect(record.authorization).toBeUndefined();
		expect(record.body).toMatchObject({ client_id: TEST_CLIENT.id, client_secret: TEST_CLIENT.secret });
	});

	it('scope (commas or spaces), audience, resource and extra parameters reach the token endpoint', async () => {
		await runWorkflow({
			parameters: { method: 'GET', url: `${server.apiUrl}/x` },
			credential: clientCredentials({
				scope: 'read:orders, write:orders',
				audience: 'https://api.example.test',
				resource: 'https://a.example.test/ https://b.example.test/',
				extraTokenParameters: 'tenant=acme&region=eu',
			}),
		});
		expect(server.tokenRequests[0].body).toMatchObject({
			scope: 'read:orders write:orders',
			audience: 'https://api.example.test',
			resource: ['https://a.example.test/', 'https://b.example.test/'],
			tenant: 'acme',
			region: 'eu',
		});
	});

	it('a second run reuses the token: no token request', async () => {
		const parameters = { method: 'GET', url: `${server.apiUrl}/x` };
		await runWorkflow({ parameters, credential: clientCredentials() });
		await runWorkflow({ parameters, credential: clientCredentials() });
		expect(server.tokenRequests).toHaveLength(1);
		expect(server.apiRequests).toHaveLength(2);
	});

	it('the token can go in a query parameter instead of the header', async () => {
		const { error } = await runWorkflow({
			parameters: { method: 'GET', url: `${server.apiUrl}/x` },
			credential: clientCredentials({ tokenPlacement: 'query', tokenQueryParameter: 'access_token' }),
		});
		expect(error).toBeUndefined();
		expect(server.apiRequests[0].authorization).toBeUndefined();
		expect(server.apiRequests[0].query.get('access_token')).toMatch(/^[a-f0-9]{40,}$/);
	});
});

describe('password grant', () => {
	it('exchanges user name and password, and the API sees the user', async () => {
		const { output, error } = await runWorkflow({
			parameters: { method: 'GET', url: `${server.apiUrl}/me` },
			credential: { type: 'apiAuthOAuth2', data: { grantType: 'password', accessTokenUrl: server.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, username: TEST_USER.username, password: TEST_USER.password } },
		});
		expect(error).toBeUndefined();
		expect(output[0].json.user).toBe('alice');
		expect(server.tokenRequests[0].body).toMatchObject({ grant_type: 'password', username: 'alice', password: TEST_USER.password });
	});

	it('a wrong password: invalid_grant with the fix, no secret in the run data', async () => {
		const result = await runWorkflow({
			parameters: { method: 'GET', url: `${server.apiUrl}/me` },
			credential: { type: 'apiAuthOAuth2', data: { grantType: 'password', accessTokenUrl: server.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, username: 'alice', password: 'wrong-5ecret-Pw' } },
		});
		expect(result.error?.message).toContain('invalid_grant');
		expect(result.error?.description).toContain('Check the user name and password');
		expect(findLeaks(result.run, ['wrong-5ecret-Pw', TEST_CLIENT.secret])).toEqual([]);
	});
});

describe('authorization code with a pasted refresh token', () => {
	it('refreshes with the pasted token, then uses the rotated one; 100 parallel items cause one refresh and no invalid_grant', async () => {
		const { refreshToken } = await server.issueGrant();
		const credential = { type: 'apiAuthOAuth2', data: { grantType: 'authorizationCode', accessTokenUrl: server.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, refreshToken } };
		const first = await runWorkflow({ parameters: { method: 'GET', url: `${server.apiUrl}/x`, options: { concurrency: 100 } }, credential, items: items(100) });
		expect(first.error).toBeUndefined();
		expect(first.output).toHaveLength(100);
		expect(server.tokenRequests.map((r) => r.grantType)).toEqual(['refresh_token']);
		expect(server.tokenRequests[0].body.refresh_token).toBe(refreshToken);
		expect(server.revokedGrants.size).toBe(0);
	});
});
