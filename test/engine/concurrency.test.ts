/**
 * Items in flight through n8n's real engine under load: the bound holds and is reached, output
 * keeps the input order with the right pairedItem (failed items included), and connections are
 * kept alive and reused.
 */
import { distAgents } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

let api: RecordingServer;
let inFlight = 0;
let peak = 0;

beforeAll(async () => {
	api = await startRecordingServer({
		handler: async (req) => {
			const n = Number(req.query.get('n'));
			inFlight++;
			peak = Math.max(peak, inFlight);
			// Later items answer sooner at times, so completion order differs from input order.
			await new Promise((resolve) => setTimeout(resolve, 20 + ((n * 7) % 13)));
			inFlight--;
			return n % 50 === 49 ? { status: 422, body: { error: `item ${n} refused` } } : { body: [{ n, part: 'a' }, { n, part: 'b' }] };
		},
	});
});
afterAll(async () => {
	await api.close();
	distAgents.destroyAgents();
});
beforeEach(() => {
	api.requests.length = 0;
	peak = 0;
	distAgents.destroyAgents();
});

const items = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));
const parameters = (concurrency: number) => ({
	method: 'GET',
	url: `${api.url}/work`,
	sendQuery: true,
	queryParameters: { parameters: [{ name: 'n', value: '={{ $json.n }}' }] },
	options: { concurrency },
});

describe('items in flight', () => {
	it('300 items, 16 in flight: the bound is reached and never passed; order and pairedItem follow the input', async () => {
		const { output, error } = await runWorkflow({
			parameters: parameters(16),
			credential: { type: 'apiAuthBearerToken', data: { token: 'tok_conc_5ecret_Value_01' } },
			items: items(300),
			settings: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(peak).toBe(16);
		expect(api.requests).toHaveLength(300);
		// Two output items per success, one error item per refused input (49, 99, …).
		const expected = items(300).flatMap(({ n }): Array<Record<string, unknown>> =>
			n % 50 === 49 ? [{ item: n, error: true }] : [{ item: n, n, part: 'a' }, { item: n, n, part: 'b' }],
		);
		expect(
			output.map((o) => {
				const item = (o.pairedItem as { item: number }).item;
				return o.json.error ? { item, error: true } : { item, n: o.json.n, part: o.json.part };
			}),
		).toEqual(expected);
		expect(output.filter((o) => o.json.error).every((o) => String(o.json.error).includes('422'))).toBe(true);
	});

	it('keep-alive: 300 requests with 8 in flight use at most 8 connections', async () => {
		await runWorkflow({
			parameters: parameters(8),
			credential: { type: 'apiAuthBearerToken', data: { token: 'tok_conc_5ecret_Value_01' } },
			items: items(300),
			settings: { onError: 'continueRegularOutput' },
		});
		const connections = new Set(api.requests.map((r) => r.remotePort));
		expect(api.requests).toHaveLength(300);
		expect(connections.size).toBeLessThanOrEqual(8);
	});

	it('one item in flight is strictly sequential', async () => {
		await runWorkflow({
			parameters: parameters(1),
			credential: { type: 'apiAuthBearerToken', data: { token: 'tok_conc_5ecret_Value_01' } },
			items: items(20),
		});
		expect(peak).toBe(1);
		expect(api.requests.map((r) => Number(r.query.get('n')))).toEqual(items(20).map(({ n }) => n));
	});
});
