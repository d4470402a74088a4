/** The benchmark workflow: the node with a Bearer token credential, GET on the bench API, N items. */
import { runWorkflow, type RunResult } from '../test/support/engine';

export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

export async function runItems(url: string, count: number, concurrency: number): Promise<RunResult> {
	const result = await runWorkflow({
		parameters: { method: 'GET', url: `${url}/items`, options: { concurrency } },
		credential: { type: 'apiAuthBearerToken', data: { token: BENCH_TOKEN } },
		items: Array.from({ length: count }, (_, i) => ({ i })),
	});
	if (result.error) throw new Error(`The benchmark workflow failed: ${result.error.message}`);
	if (result.output.length !== count) throw new Error(`Expected ${count} output items, got ${result.output.length}`);
	return result;
}
