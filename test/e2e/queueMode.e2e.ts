/**
 * No request meets an expired token in the real n8n app in queue mode: n8n main + 3 `n8n worker`
 * processes + a real redis-server + PostgreSQL (support/queueFleet.ts: each process its own user
 * folder, as on a host of its own; why not SQLite is said there). A webhook workflow calls the API through the package's node with a credential of a
 * grant at oidc-provider (5-second JWT access tokens, exp in whole seconds, rotating refresh
 * tokens: a refresh token used twice revokes the grant). 8 rounds of 50 webhook executions, all
 * 50 in flight at once, spread over the workers; the token store is Redis, the workers' only way
 * to share a token and its refresh token. The API's 401s, invalid_grant answers and token calls
 * are counted and reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_TYPE } from '../../scripts/demo/fixtures';
import { renewalPeriodMs, sleep } from '../queue/fleet';
import { OIDC_CLIENT, OIDC_RESOURCE, type OidcServer, type OidcStats, startOidcServer } from '../servers/oidcServer';
import { type PostgresServer, startPostgres } from '../support/postgres';
import { type RedisServer, startRedis } from '../support/redis';
import { type QueueFleet, queueFleet, workerPort } from './support/queueFleet';

const LIFETIME_S = 5;
/** The credential's Refresh Window (its default, 10 %). */
const WINDOW = 0.1;
const ROUNDS = 8;
const PER_ROUND = 50;
/** Between rounds, so that the run spans several lifetimes. */
const PAUSE_MS = 2_500;
const WORKERS = 3;
/** Executions one worker runs at once: together more than a round, so all of a round are in flight. */
const WORKER_CONCURRENCY = 20;
const WORKFLOW_ID = 'queueExpiryE2e01';
const WEBHOOK_PATH = 'queue-orders';
const CREDENTIAL = { id: 'queueExpiryCred01', name: 'OIDC provider (refresh token, queue)', type: 'apiAuthOAuth2' };
const REQUEST = 'GET /api/orders';

function workflow(server: OidcServer): object {
	const node = (name: string, type: string, typeVersion: number, x: number, parameters: object, extra: object = {}) => ({ id: `${WORKFLOW_ID}-${x}`, name, type, typeVersion, position: [x, 0], parameters, ...extra });
	return {
		id: WORKFLOW_ID,
		name: 'Queue-mode expiry: webhook → API',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2, 0, { httpMethod: 'GET', path: WEBHOOK_PATH, responseMode: 'lastNode', options: {} }, { webhookId: '6f1c2a4e-16a0-4b6e-9e51-0e2f4c7d9a16' }),
			node(REQUEST, NODE_TYPE, 1, 200, { authentication: CREDENTIAL.type, method: 'GET', url: `${server.apiUrl}/orders`, options: {} }, {
				credentials: { [CREDENTIAL.type]: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
				onError: 'continueRegularOutput',
			}),
		],
		connections: { Webhook: { main: [[{ node: REQUEST, type: 'main', index: 0 }]] } },
	};
}

/** What one webhook call answered: the API's answer as the node put it out, or why not. */
interface Answer {
	status: number;
	body: Record<string, unknown>;
}

async function callWebhook(url: string): Promise<Answer> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
		const text = await response.text();
		try {
			return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
		} catch {
			return { status: response.status, body: { text: text.slice(0, 200) } };
		}
	} catch (error) {
		return { status: 0, body: { error: (error as Error).message } };
	}
}

/** The saved executions of a workflow by status, as n8n recorded them. */
function executionStatuses(postgres: PostgresServer, workflowId: string): Record<string, number> {
	const rows = postgres.query(`SELECT status, COUNT(*) FROM execution_entity WHERE "workflowId" = '${workflowId}' GROUP BY status`);
	return Object.fromEntries(rows.map(([status, count]) => [status, Number(count)]));
}

describe(`queue mode: n8n main + ${WORKERS} workers + Redis, ${ROUNDS} rounds × ${PER_ROUND} webhook executions, ${LIFETIME_S}-second JWT access tokens, rotating refresh tokens`, () => {
	const log = (line: string): void => void process.stdout.write(`[queue] ${line}\n`);
	let server: OidcServer;
	let redis: RedisServer;
	let postgres: PostgresServer;
	let fleet: QueueFleet;
	const answers: Answer[] = [];
	let startedAt = 0;
	let firstRoundEnd = 0;
	let lastRoundStart = 0;
	let endedAt = 0;
	let stats: OidcStats;

	beforeAll(async () => {
		// Beside the global setup's n8n (its port and the next two), then the workers', then Postgres.
		const basePort = Number(process.env.N8N_API_AUTH_E2E_PORT ?? 5690) + 3;
		[server, redis, postgres] = await Promise.all([startOidcServer(LIFETIME_S), startRedis(), startPostgres(workerPort(basePort, WORKERS))]);
		fleet = queueFleet({ basePort, workers: WORKERS, workerConcurrency: WORKER_CONCURRENCY, redisPort: redis.port, postgres });
		const refreshToken = await server.grant();
		const data = { grantType: 'authorizationCode', accessTokenUrl: server.tokenUrl, clientId: OIDC_CLIENT.id, clientSecret: OIDC_CLIENT.secret, resource: OIDC_RESOURCE, refreshToken };
		// The files hold secrets in clear: a private folder, removed right after the import.
		const scratch = mkdtempSync(join(tmpdir(), 'n8n-api-auth-queue-'));
		try {
			writeFileSync(join(scratch, 'credentials.json'), JSON.stringify([{ ...CREDENTIAL, data }]), { mode: 0o600 });
			writeFileSync(join(scratch, 'workflow.json'), JSON.stringify([workflow(server)]));
			await fleet.n8n(['import:credentials', `--input=${join(scratch, 'credentials.json')}`]);
			await fleet.n8n(['import:workflow', `--input=${join(scratch, 'workflow.json')}`]);
			// Published (active) before the main starts, which then registers its production webhook.
			// (import's --activeState=fromJson refuses without an owner: "without permissions".)
			await fleet.n8n(['publish:workflow', `--id=${WORKFLOW_ID}`]);
		} finally {
			rmSync(scratch, { recursive: true, force: true });
		}
		await fleet.start(log);
		await server.reset();
		startedAt = Date.now();
		for (let round = 0; round < ROUNDS; round++) {
			if (round > 0) await sleep(PAUSE_MS);
			if (round === ROUNDS - 1) lastRoundStart = Date.now();
			answers.push(...(await Promise.all(Array.from({ length: PER_ROUND }, () => callWebhook(`${fleet.url}/webhook/${WEBHOOK_PATH}`)))));
			if (round === 0) firstRoundEnd = Date.now();
		}
		endedAt = Date.now();
		stats = await server.stats();
	}, 360_000);

	afterAll(async () => {
		await fleet?.stop();
		await Promise.all([server?.close(), redis?.stop(), postgres?.stop()]);
	});

	it('sends no expired token: 0 API 401s, every execution succeeds, no invalid_grant, token calls within the lifetimes', async () => {
		const failed = answers.filter((answer) => answer.status !== 200 || answer.body.ok !== true);
		const statuses = executionStatuses(postgres, WORKFLOW_ID);
		const logs = fleet.workerLogs();
		const byWorker = logs.map((text) => text.match(/Worker finished execution/g)?.length ?? 0);
		const periodMs = renewalPeriodMs(LIFETIME_S, WINDOW);
		const refreshes = stats.tokenCalls.refresh_token ?? 0;
		// A token serves at most one lifetime: the requests of the first and the last round, this far
		// apart, cannot all have been sent with fewer tokens. Renewed no earlier than the package's own
		// rule says, a token serves at least one renewal period: no more than one per period of the run.
		const fewest = Math.ceil((lastRoundStart - firstRoundEnd) / (LIFETIME_S * 1000));
		const most = Math.ceil((endedAt - startedAt) / periodMs) + 1;
		process.stdout.write(`queue-mode real app: ${ROUNDS} rounds × ${PER_ROUND} webhook executions on ${WORKERS} workers (${byWorker.join('/')}) in ${((endedAt - startedAt) / 1000).toFixed(0)} s: ${answers.length - failed.length} ok, ${failed.length} failed, executions ${JSON.stringify(statuses)}, API ${JSON.stringify(stats.api)}, refresh calls ${refreshes} (expected ${fewest}–${most}), token calls ${JSON.stringify(stats.tokenCalls)}, errors ${JSON.stringify(stats.tokenErrors)}, invalid_grant ${stats.invalidGrant}, first rejections ${JSON.stringify(stats.rejections)}\n`);
		expect(failed.slice(0, 5).map(({ status, body }) => ({ status, message: body.message ?? body.error ?? body.text }))).toEqual([]);
		expect(statuses).toEqual({ success: ROUNDS * PER_ROUND });
		expect(stats.api['401'] ?? 0).toBe(0);
		expect(stats.api['200']).toBe(ROUNDS * PER_ROUND);
		expect(stats.invalidGrant).toBe(0);
		expect(stats.tokenErrors).toEqual({});
		expect(refreshes).toBeGreaterThanOrEqual(fewest);
		expect(refreshes).toBeLessThanOrEqual(most);
		// Queue mode really ran them, with the package on the Redis store: every worker took part (the
		// main runs no production execution) and said where its tokens are.
		for (const text of logs) expect(text).toContain(`OAuth2 tokens are shared between workers through Redis at redis://127.0.0.1:${redis.port}/0`);
		expect(byWorker.reduce((sum, n) => sum + n, 0)).toBe(ROUNDS * PER_ROUND);
		expect(byWorker.every((n) => n > 0)).toBe(true);
	});
});
