/**
 * CPU overhead per request: the node (Bearer token, through n8n's engine) against a plain axios
 * loop with the same Authorization header on the same keep-alive agent, both with the same number
 * in flight, against a zero-latency API in another process. Measured as this process's CPU time
 * (process.cpuUsage), in alternating rounds after a warm-up; medians compared.
 */
import { axiosLoop } from './plainAxios';
import { cpuMicros, type Figure, median, startApiServer } from './support';
import { runItems } from './workflow';

const REQUESTS = 10_000;
const IN_FLIGHT = 10;
const ROUNDS = 5;

async function cpuPerRequest(run: () => Promise<unknown>): Promise<number> {
	const before = cpuMicros();
	await run();
	return (cpuMicros() - before) / REQUESTS;
}

export async function overheadBench(): Promise<Figure[]> {
	const api = await startApiServer(0, 256);
	try {
		await axiosLoop(api.url, 2_000, IN_FLIGHT);
		await runItems(api.url, 2_000, IN_FLIGHT);
		const plain: number[] = [];
		const node: number[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			plain.push(await cpuPerRequest(() => axiosLoop(api.url, REQUESTS, IN_FLIGHT)));
			node.push(await cpuPerRequest(() => runItems(api.url, REQUESTS, IN_FLIGHT)));
		}
		const ratio = median(node) / median(plain);
		return [
			{
				name: 'CPU per request, node vs plain axios',
				value: `${ratio.toFixed(2)} × (${median(node).toFixed(0)} µs vs ${median(plain).toFixed(0)} µs)`,
				goal: '≤ 1.15 ×',
				met: ratio <= 1.15,
				note: `rounds: node ${node.map((v) => v.toFixed(0)).join('/')} µs, axios ${plain.map((v) => v.toFixed(0)).join('/')} µs; ${REQUESTS} requests each, ${IN_FLIGHT} in flight`,
			},
		];
	} finally {
		api.close();
	}
}
