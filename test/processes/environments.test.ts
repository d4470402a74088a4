/**
 * Staging and production: the same workflow JSON and the same credential run in two n8n processes
 * with different environments. Each environment's servers receive only their own secrets and are
 * the only hosts called: nothing crosses over.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOAuth2Server, type OAuth2TestServer } from '../servers/oauth2Server';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';
import { queueEnvironment, removeUserFolders, startWorkers, stopWorkers, type WorkerProcess } from '../support/processes';
import { findLeaks } from '../support/secrets';

jest.setTimeout(60_000);

interface Environment {
	name: string;
	api: RecordingServer;
	oauth: OAuth2TestServer;
	token: string;
	clientSecret: string;
	worker?: WorkerProcess;
}

const CLIENT_ID = 'orders-client';
const environments: Environment[] = [
	{ name: 'staging', token: 'staging-token-5ecret-1111', clientSecret: 'staging-client-5ecret-2222' } as Environment,
	{ name: 'production', token: 'production-token-5ecret-3333', clientSecret: 'production-client-5ecret-4444' } as Environment,
];

// One exported workflow, one exported credential: only references, no values, no hosts.
const bearerCredential = { type: 'apiAuthBearerToken', data: { token: '$env:ORDERS_API_TOKEN', baseUrl: '$env:ORDERS_API_BASE_URL' } };
const oauthCredential = {
	type: 'apiAuthOAuth2',
	data: { grantType: 'clientCredentials', accessTokenUrl: '$env:ORDERS_API_TOKEN_URL', clientId: CLIENT_ID, clientSecret: '$file:orders-client-secret', baseUrl: '$env:ORDERS_API_OAUTH_BASE_URL' },
};
const workflow = (credential: { type: string; data: Record<string, unknown> }) => ({ parameters: { method: 'GET', url: '/orders?limit=5', options: { authTrace: true } }, credential, items: [{}, {}, {}] });

/** Folders holding the environments' secret files: removed at the end. */
const secretFolders: string[] = [];

beforeAll(async () => {
	await Promise.all(
		environments.map(async (env, i) => {
			env.api = await startRecordingServer({ host: `127.0.0.${i + 2}` });
			env.oauth = await startOAuth2Server({ clients: [{ id: CLIENT_ID, secret: env.clientSecret, grants: ['client_credentials'] }] });
			const secrets = mkdtempSync(join(tmpdir(), `api-auth-${env.name}-secrets-`));
			secretFolders.push(secrets);
			writeFileSync(join(secrets, 'orders-client-secret'), `${env.clientSecret}\n`);
			[env.worker] = await startWorkers(1, {
				...queueEnvironment({ store: 'file' }),
				N8N_API_AUTH_SECRET_ENV_PREFIX: 'ORDERS_API_',
				N8N_API_AUTH_SECRETS_DIR: secrets,
				ORDERS_API_BASE_URL: `${env.api.url}/v1`,
				ORDERS_API_TOKEN: env.token,
				ORDERS_API_TOKEN_URL: env.oauth.tokenUrl,
				ORDERS_API_OAUTH_BASE_URL: env.oauth.apiUrl,
			});
		}),
	);
});
afterAll(async () => {
	await stopWorkers(environments.map((e) => e.worker as WorkerProcess));
	await Promise.all(environments.flatMap((e) => [e.api.close(), e.oauth.close()]));
	for (const folder of secretFolders) rmSync(folder, { recursive: true, force: true });
	removeUserFolders();
});

it('bearer: each environment sends its own token to its own host', async () => {
	const results = await Promise.all(environments.map((env) => (env.worker as WorkerProcess).run(workflow(bearerCredential))));
	environments.forEach((env, i) => {
		expect(results[i].error).toBeUndefined();
		expect(results[i].items).toHaveLength(3);
		expect(env.api.requests).toHaveLength(3);
		for (const request of env.api.requests) {
			expect(request.headers.authorization).toBe(`Bearer ${env.token}`);
			expect(request.headers.host).toBe(new URL(env.api.url).host);
			expect(request.url).toBe('/v1/orders?limit=5');
		}
		const other = environments[1 - i];
		expect(findLeaks(env.api.requests, [other.token, other.clientSecret])).toEqual([]);
		expect((results[i].items[0].authTrace as { secretSources: Record<string, string> }).secretSources).toEqual({ Token: 'env:ORDERS_API_TOKEN', 'Base URL': 'env:ORDERS_API_BASE_URL' });
		expect(findLeaks(results[i], [env.token, other.token])).toEqual([]);
	});
});

it('OAuth2: each environment authenticates at its own token endpoint with its own client secret', async () => {
	const results = await Promise.all(environments.map((env) => (env.worker as WorkerProcess).run(workflow(oauthCredential))));
	environments.forEach((env, i) => {
		const other = environments[1 - i];
		expect(results[i].error).toBeUndefined();
		expect(results[i].items.every((item) => item.ok === true && item.client === CLIENT_ID)).toBe(true);
		expect(env.oauth.tokenRequests).toHaveLength(1);
		expect(env.oauth.tokenRequests[0].authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${env.clientSecret}`).toString('base64')}`);
		expect(env.oauth.apiRequests).toHaveLength(3);
		expect(findLeaks([env.oauth.tokenRequests, env.oauth.apiRequests], [other.clientSecret, other.token])).toEqual([]);
		expect(findLeaks(results[i], [env.clientSecret, other.clientSecret])).toEqual([]);
	});
});
