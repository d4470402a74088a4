/**
 * The floor for CPU per request inside n8n's engine: a bare node that does only what any node
 * sending these requests must do. Per item it reads the URL parameter (an expression, evaluated
 * by the run's expression engine) and sends the GET with axios on the package's keep-alive pool,
 * with the same Authorization and Accept headers, a fixed number in flight, the JSON answer as its
 * output item. No credential handling, checks, retries or shaping: what the package costs beyond
 * this is its own.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { plainClient } from './plainAxios';

export const FLOOR_NODE_TYPE = 'bench.floor';
const ACCEPT = 'application/json, text/plain;q=0.9, */*;q=0.8';

export class FloorNode implements INodeType {
	description = {
		displayName: 'Floor',
		name: 'floor',
		group: ['output'],
		version: 1,
		description: 'Bare axios loop (benchmark floor)',
		defaults: { name: 'Floor' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Token', name: 'token', type: 'string', default: '' },
			{ displayName: 'In Flight', name: 'inFlight', type: 'number', default: 10 },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const count = this.getInputData().length;
		const headers = { Authorization: `Bearer ${this.getNodeParameter('token', 0) as string}`, Accept: ACCEPT };
		const inFlight = this.getNodeParameter('inFlight', 0) as number;
		const output = new Array<INodeExecutionData>(count);
		let client: ReturnType<typeof plainClient> | undefined;
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next < count) {
				const item = next++;
				const url = this.getNodeParameter('url', item) as string;
				client ??= plainClient(url);
				const response = await client.get(url, { headers });
				output[item] = { json: response.data as INodeExecutionData['json'], pairedItem: { item } };
			}
		};
		await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
		return [output];
	}
}
