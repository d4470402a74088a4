/**
 * The baseline: a plain axios loop with the node's Authorization header, on the very keep-alive
 * pool the node uses for the same URL, with a fixed number of requests in flight.
 */
import axios from 'axios';
import { join } from 'node:path';
import type * as AgentsModule from '../lib/transport/agents';
import type * as TlsModule from '../lib/transport/tls';
import { BENCH_TOKEN } from './workflow';

const built = (path: string): unknown => require(join(__dirname, '..', 'dist', 'lib', path));
const { agentFor } = built('transport/agents') as typeof AgentsModule;
const { parseTls } = built('transport/tls') as typeof TlsModule;

export async function axiosLoop(url: string, count: number, inFlight: number): Promise<void> {
	const agent = agentFor(new URL(url), parseTls({ ignoreErrors: false }));
	// Lean on purpose (no redirect wrapper), so the comparison is strict.
	const client = axios.create({ httpAgent: agent, proxy: false, maxRedirects: 0 });
	let next = 0;
	let received = 0;
	const worker = async (): Promise<void> => {
		while (next < count) {
			next++;
			const response = await client.get(`${url}/items`, { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } });
			if (response.data.status === 'ok') received++;
		}
	};
	await Promise.all(Array.from({ length: inFlight }, worker));
	if (received !== count) throw new Error(`axios loop: ${received} of ${count} answers were right`);
}
