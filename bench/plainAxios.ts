/**
 * The baseline: a plain axios loop with the node's Authorization header, on the very keep-alive
 * pool the node uses for the same URL, with a fixed number of requests in flight. Like the node,
 * it keeps what the API answered until it is done (the node's output lives until the run ends).
 */
import axios, { type AxiosInstance } from 'axios';
import { join } from 'node:path';
import type * as AgentsModule from '../lib/transport/agents';
import type * as TlsModule from '../lib/transport/tls';
import { BENCH_TOKEN } from './workflow';

const built = (path: string): unknown => require(join(__dirname, '..', 'dist', 'lib', path));
const { agentFor } = built('transport/agents') as typeof AgentsModule;
const { parseTls } = built('transport/tls') as typeof TlsModule;

/** An axios client on the node's keep-alive pool for that origin; lean on purpose (no redirect wrapper), so comparisons are strict. */
export function plainClient(url: string): AxiosInstance {
	const agent = agentFor(new URL(url), parseTls({ ignoreErrors: false }));
	return axios.create({ httpAgent: agent, proxy: false, maxRedirects: 0 });
}

export async function axiosLoop(url: string, count: number, inFlight: number): Promise<unknown[]> {
	const client = plainClient(url);
	const answers = new Array<unknown>(count);
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < count) {
			const index = next++;
			const response = await client.get(`${url}/items`, { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } });
			answers[index] = response.data;
		}
	};
	await Promise.all(Array.from({ length: inFlight }, worker));
	const right = answers.filter((answer) => (answer as { status?: string }).status === 'ok').length;
	if (right !== count) throw new Error(`axios loop: ${right} of ${count} answers were right`);
	return answers;
}
