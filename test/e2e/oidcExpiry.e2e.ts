/**
 * No request meets an expired token in the real n8n app: one `n8n execute` run of 50 items × 16
 * loops (a Wait of 2.5 s in each, about 40 s) through the package's node, against oidc-provider
 * issuing 5-second JWT access tokens (exp in whole seconds) and rotating refresh tokens, with an
 * API that checks exp to the second. The credential carries a pasted access token that is a JWT
 * already past its exp: it must not be sent. The API's 401s are counted and reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_TYPE } from '../../scripts/demo/fixtures';
import { n8nCommand } from '../../scripts/n8n/instance';
import { OIDC_CLIENT, OIDC_RESOURCE, type OidcServer, startOidcServer } from '../servers/oidcServer';
import { e2eContext } from './support/context';
import { execute, type RunOutput } from './support/execute';

const LIFETIME_S = 5;
const ITEMS = 50;
const LOOPS = 16;
const PAUSE_S = 2.5;
const WORKFLOW_ID = 'oidcExpiryE2e01';
const CREDENTIAL = { id: 'oidcExpiryCred01', name: 'OIDC provider (refresh token)', type: 'apiAuthOAuth2' };
const REQUEST = 'GET /api/orders';

/** A real access token of the provider, waited out until its exp has passed. */
async function expiredAccessToken(server: OidcServer): Promise<string> {
	const basic = Buffer.from(`${OIDC_CLIENT.id}:${OIDC_CLIENT.secret}`).toString('base64');
	const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read', resource: OIDC_RESOURCE });
	const response = await fetch(server.tokenUrl, { method: 'POST', headers: { authorization: `Basic ${basic}` }, body });
	const token = ((await response.json()) as { access_token: string }).access_token;
	const exp = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
	await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1_000));
	return token;
}

function workflow(server: OidcServer): object {
	const node = (name: string, type: string, typeVersion: number, x: number, parameters: object, extra: object = {}) => ({ id: `${WORKFLOW_ID}-${x}`, name, type, typeVersion, position: [x, 0], parameters, ...extra });
	return {
		id: WORKFLOW_ID,
		name: 'OIDC expiry: 50 items × 16 loops',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
			node('Items', 'n8n-nodes-base.code', 2, 200, { jsCode: `return Array.from({ length: ${ITEMS * LOOPS} }, (_, i) => ({ json: { i } }));` }),
			node('Batches', 'n8n-nodes-base.splitInBatches', 3, 400, { batchSize: ITEMS, options: {} }),
			node(REQUEST, NODE_TYPE, 1, 600, { authentication: CREDENTIAL.type, method: 'GET', url: `${server.apiUrl}/orders`, options: { concurrency: ITEMS } }, {
				credentials: { [CREDENTIAL.type]: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
				onError: 'continueRegularOutput',
			}),
			// Under 65 s n8n waits in the process: the run goes on, the token ages.
			node('Pause', 'n8n-nodes-base.wait', 1.1, 800, { resume: 'timeInterval', amount: PAUSE_S, unit: 'seconds' }),
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Batches', type: 'main', index: 0 }]] },
			Batches: { main: [[], [{ node: REQUEST, type: 'main', index: 0 }]] },
			[REQUEST]: { main: [[{ node: 'Pause', type: 'main', index: 0 }]] },
			Pause: { main: [[{ node: 'Batches', type: 'main', index: 0 }]] },
		},
	};
}

describe(`n8n execute, 50 items × ${LOOPS} loops, ${LIFETIME_S}-second JWT access tokens, rotating refresh tokens`, () => {
	let server: OidcServer;
	let run: RunOutput;
	let started = 0;

	beforeAll(async () => {
		server = await startOidcServer(LIFETIME_S);
		const [refreshToken, accessToken] = await Promise.all([server.grant(), expiredAccessToken(server)]);
		const data = { grantType: 'authorizationCode', accessTokenUrl: server.tokenUrl, clientId: OIDC_CLIENT.id, clientSecret: OIDC_CLIENT.secret, resource: OIDC_RESOURCE, refreshToken, accessToken };
		// The files hold secrets in clear: a private folder, removed right after the import.
		const scratch = mkdtempSync(join(tmpdir(), 'n8n-api-auth-oidc-'));
		try {
			writeFileSync(join(scratch, 'credentials.json'), JSON.stringify([{ ...CREDENTIAL, data }]), { mode: 0o600 });
			writeFileSync(join(scratch, 'workflow.json'), JSON.stringify([workflow(server)]));
			await n8nCommand(e2eContext().site, ['import:credentials', `--input=${join(scratch, 'credentials.json')}`]);
			await n8nCommand(e2eContext().site, ['import:workflow', `--input=${join(scratch, 'workflow.json')}`]);
		} finally {
			rmSync(scratch, { recursive: true, force: true });
		}
		await server.reset();
		started = Date.now();
		run = await execute(WORKFLOW_ID);
	}, 300_000);

	afterAll(async () => {
		await server?.close();
	});

	it('sends no expired token: 0 API 401s, every item succeeds, no invalid_grant', async () => {
		const seconds = (Date.now() - started) / 1000;
		const stats = await server.stats();
		const batches = run.data.resultData.runData[REQUEST] ?? [];
		const items = batches.flatMap((batch) => batch.data.main[0]);
		const failed = items.filter((item) => item.json.error !== undefined || item.json.ok !== true);
		// Reported, so that the numbers can be quoted.
		process.stdout.write(`n8n execute ${batches.length} loops × ${ITEMS} items in ${seconds.toFixed(0)} s: ${items.length - failed.length} ok, ${failed.length} failed, API ${JSON.stringify(stats.api)}, token calls ${JSON.stringify(stats.tokenCalls)}, errors ${JSON.stringify(stats.tokenErrors)}, first rejections ${JSON.stringify(stats.rejections)}\n`);
		expect(run.data.resultData.error).toBeUndefined();
		expect(batches).toHaveLength(LOOPS);
		expect(failed).toEqual([]);
		expect(stats.api['401'] ?? 0).toBe(0);
		expect(stats.api['200']).toBe(ITEMS * LOOPS);
		expect(stats.invalidGrant).toBe(0);
		// Loops start more than 2.5 s apart, so with no 401 one token of at most 5 s serves at most two
		// of them: 8 refresh calls at least (the pasted token is never used); at most about two per
		// lifetime of the whole run (n8n's start included), never one per item.
		expect(stats.tokenCalls.refresh_token).toBeGreaterThanOrEqual(Math.ceil(LOOPS / Math.floor(LIFETIME_S / PAUSE_S)));
		expect(stats.tokenCalls.refresh_token).toBeLessThanOrEqual(Math.ceil(seconds / LIFETIME_S) * 2 + 1);
	});
});
