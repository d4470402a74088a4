/**
 * The package's node beside n8n's own HTTP Request node (typeVersion 4.2, n8n-nodes-base as n8n
 * 2.40.7 pins it) on the same work in one run: OAuth2 client credentials against a real OAuth2
 * server, GET on the bench API (another process). Rounds alternate (n8n, package, n8n, …) so the
 * machine's drift moves both alike; each figure is the median of its rounds and the ratio is
 * package / n8n.
 */
import { N8N_HTTP_REQUEST, runWorkflow, TestCredentialsHelper, type RunOptions } from '../test/support/engine';
import { startOAuth2Server, TEST_CLIENT } from '../test/servers/oauth2Server';
import { type SlowTokenProxy, startSlowTokenProxy } from '../test/servers/slowTokenProxy';
import { FLOOR_NODE_TYPE, FloorNode } from './floorNode';
import { cpuMicros, type Figure, median, startApiServer } from './support';
import { BENCH_TOKEN } from './workflow';

const ROUNDS = 3;
export type Kind = 'n8n' | 'package' | 'floor';
const floorNode = { type: FLOOR_NODE_TYPE, typeVersion: 1, implementation: new FloorNode() };

/** The URL as users write it: an expression that differs per item, so every item evaluates it. */
const itemUrl = (api: string): string => `=${api}/items?i={{ $json.i }}`;

export function workflow(kind: Kind, url: string, tokenUrl: string, items: number, concurrency?: number): RunOptions {
	const list = Array.from({ length: items }, (_, i) => ({ i }));
	const client = { accessTokenUrl: tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret };
	if (kind === 'floor') {
		return { node: floorNode, parameters: { url: itemUrl(url), token: BENCH_TOKEN, inFlight: concurrency ?? 10 }, credential: { type: 'apiAuthBearerToken', data: { token: BENCH_TOKEN } }, items: list };
	}
	if (kind === 'n8n') {
		return {
			node: N8N_HTTP_REQUEST,
			parameters: { method: 'GET', url: itemUrl(url), authentication: 'genericCredentialType', genericAuthType: 'oAuth2Api', options: {} },
			credential: { type: 'oAuth2Api', data: { grantType: 'clientCredentials', ...client, scope: '', authentication: 'header' } },
			items: list,
		};
	}
	return {
		parameters: { method: 'GET', url: itemUrl(url), options: concurrency ? { concurrency } : {} },
		credential: { type: 'apiAuthOAuth2', data: { grantType: 'clientCredentials', ...client } },
		items: list,
	};
}

/**
 * Runs a workflow; with a helper, the credential data it holds (n8n's node writes the token it
 * fetched into it) is used again, as n8n reads a stored credential again at the next run.
 */
export async function run(options: RunOptions, helper?: TestCredentialsHelper): Promise<void> {
	const stored = helper?.updates.at(-1)?.data;
	const credential = stored ? { ...options.credential, data: stored } : options.credential;
	const result = await runWorkflow({ ...options, credential, helper });
	if (result.error) throw new Error(`side-by-side workflow failed: ${result.error.message}`);
	if (result.output.length !== options.items?.length) throw new Error(`expected ${options.items?.length} items, got ${result.output.length}`);
}

const ratio = (pkg: number, n8n: number) => `${(pkg / n8n).toFixed(2)} ×`;

async function throughput(api: string, tokenUrl: string): Promise<Figure[]> {
	const figures: Figure[] = [];
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
			await run(workflow(lane.kind, api, tokenUrl, round === 0 ? 1 : ITEMS, lane.concurrency), helpers.get(lane.name));
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
	return figures;
}

async function cpuPerRequest(api: string, tokenUrl: string): Promise<Figure[]> {
	// CPU per request at a 0 ms API: the whole workflow run in this process, per item; the floor
	// (a bare axios loop in the same engine, the same URL expression) at the package's 100 in flight.
	const CPU_ITEMS = 1_000;
	const kinds = ['floor', 'package', 'n8n'] as const;
	const cpu: Record<Kind, number[]> = { n8n: [], package: [], floor: [] };
	const cpuHelpers = Object.fromEntries(kinds.map((k) => [k, new TestCredentialsHelper(new Map())])) as Record<Kind, TestCredentialsHelper>;
	for (let round = 0; round <= ROUNDS + 2; round++) {
		for (const kind of kinds) {
			const before = cpuMicros();
			await run(workflow(kind, api, tokenUrl, round === 0 ? 1 : CPU_ITEMS, kind === 'n8n' ? undefined : 100), cpuHelpers[kind]);
			if (round > 0) cpu[kind].push((cpuMicros() - before) / CPU_ITEMS);
		}
	}
	const paired = (over: Kind): number => median(cpu.package.map((p, i) => p / cpu[over][i]));
	const us = (kind: Kind): string => cpu[kind].map((v) => v.toFixed(0)).join('/');
	return [
		{ name: 'CPU per request, 0 ms API (whole workflow run): package vs n8n', value: `${median(cpu.package).toFixed(0)} vs ${median(cpu.n8n).toFixed(0)} µs (${paired('n8n').toFixed(2)} ×, paired rounds)`, goal: '< 1 ×', met: paired('n8n') < 1, note: `package ${us('package')} µs, n8n ${us('n8n')} µs; ${CPU_ITEMS} items per round` },
		{ name: 'CPU per request, 0 ms API: package vs the floor (bare axios loop in the same engine)', value: `${median(cpu.package).toFixed(0)} vs ${median(cpu.floor).toFixed(0)} µs (${paired('floor').toFixed(2)} ×, paired rounds)`, goal: '≤ 1.3 ×', met: paired('floor') <= 1.3, note: `floor ${us('floor')} µs; both 100 in flight, the URL an expression per item` },
	];
}

async function coldStart(api: string, slowToken: SlowTokenProxy): Promise<Figure> {
	// Cold start: 50 items, nothing stored yet, a token endpoint that takes 100 ms.
	const calls = { n8n: 0, package: 0 };
	for (const kind of ['n8n', 'package'] as const) {
		slowToken.reset();
		slowToken.setSlowness(() => ({ hold: 'request', ms: 100 }));
		// A token URL of its own, so that no token the package cached earlier in this run is found.
		await run(workflow(kind, api, `${slowToken.tokenUrl}?cold=${kind}`, 50, 50));
		calls[kind] = slowToken.received;
	}
	return { name: 'Token-endpoint calls, 50 items, cold start, 100 ms token endpoint', value: `${calls.package} vs ${calls.n8n}`, goal: '1', met: calls.package === 1 };
}

export type Section = 'throughput' | 'cpu' | 'cold';
export const SECTIONS: readonly Section[] = ['throughput', 'cpu', 'cold'];

export async function sideBySideBench(sections: readonly Section[] = SECTIONS): Promise<Figure[]> {
	const oauth = await startOAuth2Server({ accessTokenLifetime: 3_600 });
	const slowToken = await startSlowTokenProxy(oauth.tokenUrl);
	slowToken.setSlowness(() => ({ hold: 'request', ms: 100 }));
	const slowApi = await startApiServer(20, 256);
	const fastApi = await startApiServer(0, 256);
	const figures: Figure[] = [];
	try {
		if (sections.includes('throughput')) figures.push(...(await throughput(slowApi.url, oauth.tokenUrl)));
		if (sections.includes('cpu')) figures.push(...(await cpuPerRequest(fastApi.url, oauth.tokenUrl)));
		if (sections.includes('cold')) figures.push(await coldStart(slowApi.url, slowToken));
	} finally {
		slowApi.close();
		fastApi.close();
		await Promise.all([oauth.close(), slowToken.close()]);
	}
	return figures;
}
