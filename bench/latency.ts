/**
 * Latency-bound throughput: 10,000 items against an API that answers after 20 ms, C in flight.
 * Without any overhead the node would finish C items every 20 ms; the goal is 90 % of that.
 * The plain axios loop at the same C is measured too, as the ceiling of the transport.
 */
import { axiosLoop } from './plainAxios';
import { type Figure, startApiServer } from './support';
import { runItems } from './workflow';

const ITEMS = 10_000;
const LATENCY_MS = 20;

async function perSecond(run: () => Promise<unknown>): Promise<number> {
	const started = performance.now();
	await run();
	return ITEMS / ((performance.now() - started) / 1000);
}

export async function latencyBench(concurrencies: number[]): Promise<Figure[]> {
	const api = await startApiServer(LATENCY_MS, 256);
	try {
		await runItems(api.url, 500, 10);
		await axiosLoop(api.url, 500, 10);
		const figures: Figure[] = [];
		for (const c of concurrencies) {
			const node = await perSecond(() => runItems(api.url, ITEMS, c));
			const plain = await perSecond(() => axiosLoop(api.url, ITEMS, c));
			const ideal = c / (LATENCY_MS / 1000);
			figures.push({
				name: `Throughput, ${LATENCY_MS} ms API, ${c} in flight`,
				value: `${node.toFixed(0)} items/s (${(node / ideal).toFixed(2)} × C/20 ms)`,
				goal: `≥ ${(0.9 * ideal).toFixed(0)} items/s (0.9 × C/20 ms)`,
				met: node >= 0.9 * ideal,
				note: `plain axios loop at the same C: ${plain.toFixed(0)} requests/s (${(plain / ideal).toFixed(2)} × C/20 ms)`,
			});
		}
		return figures;
	} finally {
		api.close();
	}
}
