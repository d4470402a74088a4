/**
 * What the multi-process tests share: the credential of a grant with rotating refresh tokens,
 * a workflow of N parallel items that continues on failures, and a tally of what the items of
 * all workers ended with.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IDataObject } from 'n8n-workflow';
import { CredentialReader } from '../../lib/auth/credentialReader';
import { DEFAULT_MAPPING, readOAuth2Settings, readTokenSeed } from '../../lib/oauth2/settings';
import { parseTokenResponse } from '../../lib/oauth2/tokenResponse';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { refreshAt } from '../../lib/tokens/decision';
import { tokenKey } from '../../lib/tokens/key';
import { oauth2GrantSource } from '../../lib/tokens/sources/oauth2Grant';
import { TEST_CLIENT } from '../servers/oauth2Server';
import type { OAuth2TestServer } from '../servers/oauth2Server';
import type { SlowTokenProxy } from '../servers/slowTokenProxy';
import { settleWorkers, type WorkerProcess, type WorkerRunOptions, type WorkerRunResult } from '../support/processes';

export function rotatingCredential(tokenUrl: string, refreshToken: string, extra: IDataObject = {}): WorkerRunOptions['credential'] {
	return {
		type: 'apiAuthOAuth2',
		data: { grantType: 'authorizationCode', accessTokenUrl: tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, refreshToken, ...extra },
	};
}

/** The store key the workers give a credential's token: Redis names are keyed, so a test cannot read it off them. */
export function tokenKeyOf(credential: WorkerRunOptions['credential']): string {
	const reader = new CredentialReader(credential.data, new SecretRegistry());
	const settings = readOAuth2Settings(reader, false);
	if (settings.grant === 'authorizationCode') settings.seed = readTokenSeed(reader, credential.data, false);
	return tokenKey(oauth2GrantSource(settings));
}

/** N items requested at once, each failure kept as an output item (as with "Continue" on error). */
export function parallelItems(apiUrl: string, credential: WorkerRunOptions['credential'], count: number, timeoutMs?: number): WorkerRunOptions {
	return {
		parameters: { method: 'GET', url: `${apiUrl}/orders`, options: { concurrency: count, ...(timeoutMs ? { timeout: timeoutMs } : {}) } },
		credential,
		items: Array.from({ length: count }, (_, i) => ({ i })),
		settings: { onError: 'continueRegularOutput' },
	};
}

export interface Tally {
	ok: number;
	/** Failed items by their error message, with the number of each. */
	failures: Record<string, number>;
	/** Failed items, whole (message, description, status). */
	failed: IDataObject[];
	workflowErrors: string[];
}

export function tally(results: WorkerRunResult[]): Tally {
	const out: Tally = { ok: 0, failures: {}, failed: [], workflowErrors: [] };
	for (const result of results) {
		if (result.error) out.workflowErrors.push(result.error.message);
		for (const item of result.items) {
			if (item.ok === true) {
				out.ok++;
				continue;
			}
			const message = String(item.error ?? JSON.stringify(item));
			out.failures[message] = (out.failures[message] ?? 0) + 1;
			out.failed.push(item);
		}
	}
	return out;
}

/** Every worker runs the same workflow at the same moment. */
export async function runEverywhere(workers: WorkerProcess[], options: WorkerRunOptions): Promise<WorkerRunResult[]> {
	return await Promise.all(workers.map((worker) => worker.run(options)));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, checking every 50 ms; fails after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
		await sleep(50);
	}
}

/**
 * The lock holder dies mid-refresh: the first worker runs, its token request (held by the proxy,
 * as the caller set it up) makes it the lock holder; the others start the same run and wait on the
 * lock; after `killAfterMs` the first is killed (kill -9). Returns how the victim's run ended, the
 * others' results, and how long after the kill they finished.
 */
export async function killHolderMidRefresh(
	workers: WorkerProcess[],
	proxy: { received: number },
	options: WorkerRunOptions,
	killAfterMs: number,
): Promise<{ victimEnd: unknown; results: WorkerRunResult[]; resumedMs: number }> {
	const [victim, ...others] = workers;
	const doomed = victim.run(options).catch((error: Error) => error);
	await until(() => proxy.received === 1, 10_000, 'the first token request');
	const waiting = runEverywhere(others, options);
	await sleep(killAfterMs);
	const killedAt = Date.now();
	await victim.kill();
	const results = await waiting;
	return { resumedMs: Date.now() - killedAt, results, victimEnd: await doomed };
}

/** Every worker runs the same workflow again and again until `ms` have passed. */
export async function sustainedRuns(workers: WorkerProcess[], options: WorkerRunOptions, ms: number): Promise<WorkerRunResult[]> {
	const results: WorkerRunResult[] = [];
	const endAt = Date.now() + ms;
	await Promise.all(
		workers.map(async (worker) => {
			while (Date.now() < endAt) results.push(await worker.run(options));
		}),
	);
	// A renewal before expiry started by the last runs may still be under way: let it finish.
	await settleWorkers(workers);
	return results;
}

/**
 * The moment the package renews a token the provider answered `expiresIn` to, by the package's own
 * rules (expiry from the request, whole-second rounding, clock-skew allowance, refresh window): the
 * proxy's receipt of the request stands for the package's sending it, which came a moment earlier,
 * so SEND_SLACK_MS is allowed for that hop.
 */
export const SEND_SLACK_MS = 100;
/** How long after its request a token of `expiresIn` seconds is renewed. */
export function renewalPeriodMs(expiresIn: number | undefined, window: number): number {
	const state = parseTokenResponse({ access_token: 't', expires_in: expiresIn }, { mapping: DEFAULT_MAPPING, now: 0, defaultLifetimeMs: 3_600_000 });
	return refreshAt(state, { refreshMarginMs: 60_000, refreshWindowShare: window });
}
function refreshPoint(exchange: SlowTokenProxy['exchanges'][number], window: number, slackMs: number): number {
	return exchange.receivedAt - slackMs + renewalPeriodMs(exchange.expiresIn, window);
}

/**
 * Token calls sent before the previous token reached its refresh point: a second, racing renewal.
 * `slackMs` is how much later than the package's send the proxy may have seen a request: the hop,
 * plus how late the sender's and the proxy's event loops ran where they were measured.
 */
export function earlyRenewals(exchanges: SlowTokenProxy['exchanges'], window: number, slackMs = SEND_SLACK_MS) {
	return exchanges.slice(1).flatMap((exchange, i) => {
		const previous = exchanges[i];
		const due = refreshPoint(previous, window, slackMs);
		return exchange.receivedAt >= due ? [] : [{ index: i + 1, earlyMs: due - exchange.receivedAt, previous, exchange }];
	});
}

/**
 * Starts watching how late event loops run: the workers' (they stamp a token request when they
 * start it) and this process's (the proxy stamps it when it reads it). The returned call gives the
 * slack for earlyRenewals over the time since: the hop's, plus both worst delays. A busy machine
 * then makes an on-time renewal look no earlier than the delays it measured.
 */
export async function watchTimingSlack(workers: WorkerProcess[]): Promise<() => Promise<number>> {
	// A stats call starts each worker's record afresh.
	await Promise.all(workers.map((w) => w.stats()));
	const driver = monitorEventLoopDelay({ resolution: 10 });
	driver.enable();
	return async () => {
		const stats = await Promise.all(workers.filter((w) => w.alive).map((w) => w.stats()));
		driver.disable();
		return SEND_SLACK_MS + Math.max(0, ...stats.map((s) => s.loopDelayMaxMs)) + driver.max / 1e6;
	};
}

/**
 * One token call per expiry: each token was renewed only once it had reached its refresh point
 * (refreshPoint above, with `window` the credential's Refresh Window share): no second, racing
 * renewal. Returns the number of token calls.
 */
export function assertRenewedOncePerExpiry(proxy: SlowTokenProxy, server: OAuth2TestServer, window: number, slackMs = SEND_SLACK_MS): number {
	const { exchanges } = proxy;
	expect(exchanges.every((e) => e.status === 200 && e.delivered)).toBe(true);
	// Listed whole when one fails, so a failure says which renewal came early and by how much.
	expect(earlyRenewals(exchanges, window, slackMs)).toEqual([]);
	// Every token obtained was used by the API calls, except perhaps the newest: a renewal before
	// expiry runs in the background and may be answered as the load stops. (A racing renewal in
	// between would have come early, above.)
	const used = new Set(server.apiRequests.map((r) => r.authorization)).size;
	expect(used).toBeGreaterThanOrEqual(exchanges.length - 1);
	expect(used).toBeLessThanOrEqual(exchanges.length);
	return exchanges.length;
}
