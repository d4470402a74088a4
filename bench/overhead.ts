/**
 * CPU overhead per request: the node (Bearer token, through n8n's engine) against a plain axios
 * loop with the same Authorization header on the same keep-alive agent, both with the same number
 * in flight, against a zero-latency API in another process. Measured as this process's CPU time
 * (process.cpuUsage), in alternating rounds after a warm-up. The figure is the median of the
 * per-round ratios: each node round runs right after its axios round, so the machine's drift
 * (other jobs, CPU frequency) between rounds, which moves both alike, cancels out.
 *
 * The node's figure is the CPU time of its execute(), the engine's calls it makes included; the
 * whole workflow run (the test source of items, workflow setup and the engine's bookkeeping
 * around the node) is reported beside it.
 */
import { join } from 'node:path';
import type * as NodeModule from '../nodes/ApiAuthHttpRequest/ApiAuthHttpRequest.node';
import { axiosLoop } from './plainAxios';
import { cpuMicros, type Figure, median, startApiServer } from './support';
import { runItems } from './workflow';

const REQUESTS = 10_000;
const IN_FLIGHT = 10;
const ROUNDS = 15;

async function cpuPerRequest(run: () => Promise<unknown>): Promise<number> {
	const before = cpuMicros();
	await run();
	return (cpuMicros() - before) / REQUESTS;
}

/** Adds up the CPU time spent inside the built node's execute() (n8n loads that same module). */
function meterExecute(): { take(): number } {
	const { ApiAuthHttpRequest } = require(join(__dirname, '..', 'dist', 'nodes', 'ApiAuthHttpRequest', 'ApiAuthHttpRequest.node')) as typeof NodeModule;
	const execute = ApiAuthHttpRequest.prototype.execute;
	let spent = 0;
	ApiAuthHttpRequest.prototype.execute = async function metered(this: ThisParameterType<typeof execute>) {
		const before = cpuMicros();
		try {
			return await execute.call(this);
		} finally {
			spent += cpuMicros() - before;
		}
	};
	return {
		take: () => {
			const value = spent;
			spent = 0;
			return value;
		},
	};
}

export async function overheadBench(): Promise<Figure[]> {
	const api = await startApiServer(0, 256);
	const meter = meterExecute();
	try {
		await axiosLoop(api.url, 2_000, IN_FLIGHT);
		await runItems(api.url, 2_000, IN_FLIGHT);
		const plain: number[] = [];
		const node: number[] = [];
		const workflow: number[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			plain.push(await cpuPerRequest(() => axiosLoop(api.url, REQUESTS, IN_FLIGHT)));
			meter.take();
			workflow.push(await cpuPerRequest(() => runItems(api.url, REQUESTS, IN_FLIGHT)));
			node.push(meter.take() / REQUESTS);
		}
		const ratio = median(node.map((n, i) => n / plain[i]));
		const us = (values: number[]): string => values.map((v) => v.toFixed(0)).join('/');
		return [
			{
				name: 'CPU per request, node vs plain axios',
				value: `${ratio.toFixed(2)} × (paired rounds; medians ${median(node).toFixed(0)} µs vs ${median(plain).toFixed(0)} µs)`,
				goal: '≤ 1.15 ×',
				met: ratio <= 1.15,
				note:
					`rounds: node ${us(node)} µs, axios ${us(plain)} µs; ${REQUESTS} requests each, ${IN_FLIGHT} in flight. ` +
					`Whole workflow run per item: ${us(workflow)} µs (${(median(workflow) / median(plain)).toFixed(2)} ×)`,
			},
		];
	} finally {
		api.close();
	}
}
