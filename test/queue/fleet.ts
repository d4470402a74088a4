/**
 * What the multi-process tests share: the credential of a grant with rotating refresh tokens,
 * a workflow of N parallel items that continues on failures, and a tally of what the items of
 * all workers ended with.
 */
import type { IDataObject } from 'n8n-workflow';
import { TEST_CLIENT } from '../servers/oauth2Server';
import type { WorkerProcess, WorkerRunOptions, WorkerRunResult } from '../support/processes';

export function rotatingCredential(tokenUrl: string, refreshToken: string, extra: IDataObject = {}): WorkerRunOptions['credential'] {
	return {
		type: 'apiAuthOAuth2',
		data: { grantType: 'authorizationCode', accessTokenUrl: tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, refreshToken, ...extra },
	};
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
