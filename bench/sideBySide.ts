/**
 * The package's node beside n8n's own HTTP Request node (typeVersion 4.2, n8n-nodes-base as n8n
 * 2.40.7 pins it) on the same work in one run: OAuth2 client credentials against a real OAuth2
 * server, GET on the bench API (another process). Rounds alternate (n8n, package, n8n, …) so the
 * machine's drift moves both alike; each figure is the median of its rounds and the ratio is
 * package / n8n.
 */
import { N8N_HTTP_REQUEST, runWorkflow, TestCredentialsHelper, type RunOptions } from '../test/support/engine';
import { startOAuth2Server, TEST_CLIENT } from '../test/servers/oauth2Server';
import { startSlowTokenProxy } from '../test/servers/slowTokenProxy';
import { cpuMicros, type Figure, median, startApiServer } from './support';

const ROUNDS = 3;
type Kind = 'n8n' | 'package';

function workflow(kind: Kind, url: string, tokenUrl: string, items: number, concurrency?: number): RunOptions {
	const list = Array.from({ length: items }, (_, i) => ({ i }));
	const client = { accessTokenUrl: tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret };
	if (kind === 'n8n') {
		return {
			node: N8N_HTTP_REQUEST,
			parameters: { method: 'GET', url: `${url}/items`, authentication: 'genericCredentialType', genericAuthType: 'oAuth2Api', options: {} },
			credential: { type: 'oAuth2Api', data: { grantType: 'clientCredentials', ...client, scope: '', authentication: 'header' } },
			items: list,
		};
	}
	return {
		parameters: { method: 'GET', url: `${url}/items`, options: concurrency ? { concurrency } : {} },
		credential: { type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', ...client } },
		items: list,
	};
}

/**
 * Runs a workflow; with a helper, the credential data it holds (n8n's node writes the token it
 * fetched into it) is used again, as n8n reads a stored credential again at the next run.
 */
async function run(options: RunOptions, helper?: TestCredentialsHelper): Promise<void> {
	const stored = helper?.updates.at(-1)?.data;
	const credential = stored ? { ...options.credential, data: stored } : options.credential;
	const result = await runWorkflow({ ...options, credential, helper });
	if (result.error) throw new Error(`side-by-side workflow failed: ${result.error.message}`);
	if (result.output.length !== options.items?.length) throw new Error(`expected ${options.items?.length} items, got ${result.output.length}`);
}

const ratio = (pkg: number, n8n: number) => `${(pkg / n8n).toFixed(2)} ×`;

export async function sideBySideBench(): Promise<Figure[]> {
	const oauth = await startOAuth2Server({ accessTokenLifetime: 3_600 });
	const slowToken = await startSlowTokenProxy(oauth.tokenUrl);
	slowToken.setSlowness(() => ({ hold: 'request', ms: 100 }));
	const slowApi = await startApiServer(20, 256);
	const fastApi = await startApiServer(0, 256);
	const figures: Figure[] = [];
	try {
		// Throughput against a 20 ms API. A first round of one item fetches the token, which n8n keeps in
		// the credential (updateCredentialsOauthTokenData) and the package in its store; then the rounds.
		// n8n sends every item at once: above ~1,300 open connections the loopback API resets some (ECONNRESET).
		const ITEMS = 1_000;
		const lanes: Array<{ name: string; kind: Kind; concurrency?: number; delay: number }> = [
			{ name: 'n8n (all items at once)', kind: 'n8n', delay: 0 },
			{ name: 'package, default concurrency', kind: 'package', delay: 0 },
			{ name: 'package, 100 in flight', kind: 'package', concurrency: 100, delay: 0 },
			{ name: 'n8n, 2 ms credential lookups', kind: 'n8n', delay: 2 },
			{ name: 'package, 100 in flight, 2 ms credential lookups', kind: 'package', concurrency: 100, delay: 2 },
		];
		const rates = new Map(lanes.map((l) => [l.name, [] as number[]]));
		const helpers = new Map(lanes.map((l) => [l.name, new TestCredentialsHelper(new Map())]));
		for (const lane of lanes) (helpers.get(lane.name) as TestCredentialsHelper).lookupDelayMs = lane.delay;
		for (let round = 0; round <= ROUNDS; round++) {
			for (const lane of lanes) {
				const started = performance.now();
				await run(workflow(lane.kind, slowApi.url, oauth.tokenUrl, round === 0 ? 1 : ITEMS, lane.concurrency), helpers.get(lane.name));
				if (round > 0) rates.get(lane.name)?.push(ITEMS / ((performance.now() - started) / 1000));
			}
		}
		const rate = (name: string) => median(rates.get(name) as number[]);
		for (const [pkg, n8n] of [
			['package, default concurrency', 'n8n (all items at once)'],
			['package, 100 in flight', 'n8n (all items at once)'],
			['package, 100 in flight, 2 ms credential lookups', 'n8n, 2 ms credential lookups'],
		]) {
			figures.push({ name: `Throughput, 20 ms API: ${pkg} vs ${n8n}`, value: `${rate(pkg).toFixed(0)} vs ${rate(n8n).toFixed(0)} items/s (${ratio(rate(pkg), rate(n8n))})`, goal: 'shown', met: true, note: `rounds ${(rates.get(pkg) as number[]).map((r) => r.toFixed(0)).join('/')} vs ${(rates.get(n8n) as number[]).map((r) => r.toFixed(0)).join('/')}; ${ITEMS} items each` });
		}

		// CPU per request at a 0 ms API: the whole workflow run in this process, per item.
		const CPU_ITEMS = 1_000;
		const cpu: Record<Kind, number[]> = { n8n: [], package: [] };
		const cpuHelpers: Record<Kind, TestCredentialsHelper> = { n8n: new TestCredentialsHelper(new Map()), package: new TestCredentialsHelper(new Map()) };
		for (let round = 0; round <= ROUNDS + 2; round++) {
			for (const kind of ['n8n', 'package'] as const) {
				const before = cpuMicros();
				await run(workflow(kind, fastApi.url, oauth.tokenUrl, round === 0 ? 1 : CPU_ITEMS, kind === 'package' ? 100 : undefined), cpuHelpers[kind]);
				if (round > 0) cpu[kind].push((cpuMicros() - before) / CPU_ITEMS);
			}
		}
		const pairs = cpu.package.map((p, i) => p / cpu.n8n[i]);
		figures.push({ name: 'CPU per request, 0 ms API (whole workflow run)', value: `${median(cpu.package).toFixed(0)} vs ${median(cpu.n8n).toFixed(0)} µs (${median(pairs).toFixed(2)} ×, paired rounds)`, goal: '< 1 ×', met: median(pairs) < 1, note: `package ${cpu.package.map((v) => v.toFixed(0)).join('/')} µs, n8n ${cpu.n8n.map((v) => v.toFixed(0)).join('/')} µs; ${CPU_ITEMS} items per round` });

		// Cold start: 50 items, nothing stored yet, a token endpoint that takes 100 ms.
		const calls: Record<Kind, number> = { n8n: 0, package: 0 };
		for (const kind of ['n8n', 'package'] as const) {
			slowToken.reset();
			slowToken.setSlowness(() => ({ hold: 'request', ms: 100 }));
			// A token URL of its own, so that no token the package cached earlier in this run is found.
			await run(workflow(kind, slowApi.url, `${slowToken.tokenUrl}?cold=${kind}`, 50, 50));
			calls[kind] = slowToken.received;
		}
		figures.push({ name: 'Token-endpoint calls, 50 items, cold start, 100 ms token endpoint', value: `${calls.package} vs ${calls.n8n}`, goal: '1', met: calls.package === 1 });
	} finally {
		slowApi.close();
		fastApi.close();
		await Promise.all([oauth.close(), slowToken.close()]);
	}
	return figures;
}
