/**
 * Pagination through n8n's real engine against a local API: every mode, merged and per-page
 * output, the stop conditions, and the credential rules for next pages on other origins.
 */
import { distAgents, recordingClock } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { type RecordedRequest, type RecordingServer, type Reply, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_pages_5ecret_Bearer_Value_3';
const RECORDS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));
const PAGE_SIZE = 3;

let api: RecordingServer;
let other: RecordingServer;

/** The records of a 1-based page, and whether another page follows. */
function slice(pageNumber: number): { data: Array<{ id: number }>; more: boolean } {
	const start = (pageNumber - 1) * PAGE_SIZE;
	return { data: RECORDS.slice(start, start + PAGE_SIZE), more: start + PAGE_SIZE < RECORDS.length };
}

function pagedApi(req: RecordedRequest): Reply {
	const page = Number(req.query.get('page') ?? 1);
	const { data, more } = slice(page);
	switch (req.path) {
		case '/next-url':
			return { body: { data, links: { next: more ? `/next-url?page=${page + 1}` : null } } };
		case '/link':
			return { body: data, headers: more ? { link: `<${api.url}/link?page=${page + 1}>; rel="next", <${api.url}/link?page=3>; rel="last"` } : {} };
		case '/cursor': {
			const cursorPage = req.query.get('after') ? Number(req.query.get('after')?.replace('c', '')) : 1;
			const result = slice(cursorPage);
			return { body: { items: result.data, meta: { next_cursor: result.more ? `c${cursorPage + 1}` : '' } } };
		}
		case '/offset': {
			const offset = Number(req.query.get('offset'));
			return { body: { results: RECORDS.slice(offset, offset + Number(req.query.get('limit'))) } };
		}
		case '/endless':
			return { body: { data: [{ page }], next: `/endless?page=${page + 1}` } };
		case '/elsewhere':
			return { body: { data: [{ page: 1 }], next: `${other.url}/continued` } };
		default:
			return { status: 404, body: { error: 'no such list' } };
	}
}

beforeAll(async () => {
	api = await startRecordingServer({ handler: pagedApi });
	other = await startRecordingServer({ host: '127.0.0.2', handler: () => ({ body: { data: [{ page: 2 }] } }) });
});
afterAll(async () => {
	await api.close();
	await other.close();
	distAgents.destroyAgents();
});
beforeEach(() => {
	api.requests.length = 0;
	other.requests.length = 0;
});

const credential = (extra: Record<string, unknown> = {}) => ({ type: 'apiAuthBearerToken', data: { token: TOKEN, ...extra } });
const paginate = (url: string, pagination: Record<string, unknown>, options: Record<string, unknown> = {}) => ({
	method: 'GET',
	url,
	options: { pagination: { pagination }, ...options },
});
const ids = (output: Array<{ json: Record<string, unknown> }>) => output.map((o) => o.json.id);

describe('next page from', () => {
	it('a URL in a response field (relative), merged: every record once, each page authorized', async () => {
		const { output, error } = await runWorkflow({
			parameters: paginate(`${api.url}/next-url`, { mode: 'urlField', nextUrlField: 'links.next', resultsField: 'data' }),
			credential: credential(),
		});
		expect(error).toBeUndefined();
		expect(ids(output)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(output.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(api.requests.map((r) => r.url)).toEqual(['/next-url', '/next-url?page=2', '/next-url?page=3']);
		expect(api.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
	});

	it('the Link header, one output per page', async () => {
		const { output, error } = await runWorkflow({
			parameters: paginate(`${api.url}/link`, { mode: 'linkHeader', output: 'pages' }, { fullResponse: true }),
			credential: credential(),
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(3);
		expect(output.map((o) => (o.json.body as unknown[]).length)).toEqual([3, 3, 1]);
		expect(output.map((o) => o.json.statusCode)).toEqual([200, 200, 200]);
	});

	it('a cursor field sent back in a query parameter, keeping the query the user set', async () => {
		const { output, error } = await runWorkflow({
			parameters: {
				...paginate(`${api.url}/cursor`, { mode: 'cursor', cursorField: 'meta.next_cursor', cursorParameter: 'after', resultsField: 'items' }),
				sendQuery: true,
				queryParameters: { parameters: [{ name: 'sort', value: 'id' }] },
			},
			credential: credential(),
		});
		expect(error).toBeUndefined();
		expect(ids(output)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(api.requests.map((r) => r.url)).toEqual(['/cursor?sort=id', '/cursor?sort=id&after=c2', '/cursor?sort=id&after=c3']);
	});

	it('an offset parameter counted up by the page size, stopping at the first empty page', async () => {
		const { output, error } = await runWorkflow({
			parameters: {
				...paginate(`${api.url}/offset?limit=3`, { mode: 'counter', pageParameter: 'offset', firstValue: 0, increment: 3, resultsField: 'results' }),
			},
			credential: credential(),
		});
		expect(error).toBeUndefined();
		expect(ids(output)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(api.requests.map((r) => r.query.get('offset'))).toEqual(['0', '3', '6', '9']);
	});
});

describe('stop conditions', () => {
	it('Maximum Pages bounds an API that always has a next page', async () => {
		const { output, error } = await runWorkflow({
			parameters: paginate(`${api.url}/endless`, { mode: 'urlField', nextUrlField: 'next', resultsField: 'data', maxPages: 5 }),
			credential: credential(),
		});
		expect(error).toBeUndefined();
		expect(output.map((o) => o.json.page)).toEqual([1, 2, 3, 4, 5]);
		expect(api.requests).toHaveLength(5);
	});

	it('each input item paginates on its own; output stays in input order with its pairedItem', async () => {
		const { output, error } = await runWorkflow({
			parameters: paginate('={{ $json.list }}', { mode: 'urlField', nextUrlField: 'links.next', resultsField: 'data' }, { concurrency: 2 }),
			credential: credential(),
			items: [{ list: `${api.url}/next-url` }, { list: `${api.url}/next-url?page=3` }],
		});
		expect(error).toBeUndefined();
		expect(ids(output)).toEqual([1, 2, 3, 4, 5, 6, 7, 7]);
		expect(output.map((o) => (o.pairedItem as { item: number }).item)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
	});

	it('a rate-limited page is retried after its Retry-After, through the test clock', async () => {
		const clock = recordingClock();
		let limited = false;
		api.setHandler((req) => {
			if (req.query.get('page') === '2' && !limited) {
				limited = true;
				return { status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } };
			}
			return pagedApi(req);
		});
		try {
			const { output, error } = await runWorkflow({
				parameters: paginate(`${api.url}/next-url`, { mode: 'urlField', nextUrlField: 'links.next', resultsField: 'data' }),
				credential: credential(),
			});
			expect(error).toBeUndefined();
			expect(ids(output)).toEqual([1, 2, 3, 4, 5, 6, 7]);
			expect(clock.waits).toEqual([2000]);
			expect(api.requests.map((r) => r.url)).toEqual(['/next-url', '/next-url?page=2', '/next-url?page=2', '/next-url?page=3']);
		} finally {
			clock.restore();
			api.setHandler(pagedApi);
		}
	});
});

describe('next pages on another origin', () => {
	it('are refused when the credential\'s allowed domains do not name the host; nothing is sent there', async () => {
		const { error } = await runWorkflow({
			parameters: paginate(`${api.url}/elsewhere`, { mode: 'urlField', nextUrlField: 'next', resultsField: 'data' }),
			credential: credential(),
		});
		expect(error?.message).toBe(`Pagination: the next page is on ${other.url}, another origin than the first request (${api.url})`);
		expect(error?.description).toContain('Allowed Domains');
		expect(other.requests).toHaveLength(0);
	});

	it('are followed, with the credential, when the allowed domains name the host', async () => {
		const { output, error } = await runWorkflow({
			parameters: paginate(`${api.url}/elsewhere`, { mode: 'urlField', nextUrlField: 'next', resultsField: 'data' }),
			credential: credential({ allowedDomains: '127.0.0.1, 127.0.0.2' }),
		});
		expect(error).toBeUndefined();
		expect(output.map((o) => o.json.page)).toEqual([1, 2]);
		expect(other.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});
});

describe('configuration errors', () => {
	it('an empty Next URL Field names the field', async () => {
		const { error } = await runWorkflow({ parameters: paginate(`${api.url}/next-url`, { mode: 'urlField' }), credential: credential() });
		expect(error?.message).toBe('Next URL Field: is empty');
		expect(api.requests).toHaveLength(0);
	});

	it('Merged Results with a file response is refused', async () => {
		const { error } = await runWorkflow({
			parameters: paginate(`${api.url}/link`, { mode: 'linkHeader', output: 'merged' }, { responseFormat: 'binary' }),
			credential: credential(),
		});
		expect(error?.message).toMatch(/^Pagination: Merged Results cannot be combined/);
	});
});
