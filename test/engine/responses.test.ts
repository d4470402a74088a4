/**
 * Response formats through n8n's real engine: autodetect (JSON, text, file), forced JSON, text
 * and file (name and MIME type from the response), full response, and "never error".
 */
import { distAgents } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { findLeaks } from '../support/secrets';
import { type RecordingServer, type Reply, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_resp_5ecret_Bearer_Value_88';
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 250, 251, 252])]);

const REPLIES: Record<string, Reply> = {
	'/list': { body: [{ id: 1 }, { id: 2 }, 3] },
	'/object': { body: { id: 7, name: 'seven' } },
	'/text': { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'hello, world' },
	'/csv': { headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2' },
	'/report': { headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="report 2026.pdf"' }, body: PDF },
	'/files/photo.jpg': { headers: { 'content-type': 'image/jpeg' }, body: PDF },
	'/unicode': { headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.txt' }, body: PDF },
	'/not-json': { headers: { 'content-type': 'application/json' }, body: '<html>oops</html>' },
	'/missing': { status: 404, body: { error: 'not found' } },
	'/echo': { body: { sawToken: TOKEN } },
};

let api: RecordingServer;

beforeAll(async () => {
	api = await startRecordingServer({ handler: (req) => REPLIES[req.path] ?? { status: 500, body: 'no reply configured' } });
});
afterAll(async () => {
	await api.close();
	distAgents.destroyAgents();
});

const credential = { type: 'apiAuthBearerToken', data: { token: TOKEN } };
const get = (path: string, options: Record<string, unknown> = {}) => runWorkflow({ parameters: { method: 'GET', url: `${api.url}${path}`, options }, credential });

describe('autodetect', () => {
	it('a JSON array gives one item per element (scalars wrapped as data)', async () => {
		const { output } = await get('/list');
		expect(output.map((o) => o.json)).toEqual([{ id: 1 }, { id: 2 }, { data: 3 }]);
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	it('a JSON object gives one item', async () => {
		const { output } = await get('/object');
		expect(output.map((o) => o.json)).toEqual([{ id: 7, name: 'seven' }]);
	});

	it('text gives { data: text }', async () => {
		const { output } = await get('/text');
		expect(output[0].json).toEqual({ data: 'hello, world' });
	});

	it('a file type becomes binary data with the name from Content-Disposition', async () => {
		const { output } = await get('/report');
		expect(output[0].json).toEqual({});
		const file = output[0].binary?.data;
		expect(file?.fileName).toBe('report 2026.pdf');
		expect(file?.mimeType).toBe('application/pdf');
		expect(Buffer.from(file?.data ?? '', 'base64').equals(PDF)).toBe(true);
	});
});

describe('forced formats', () => {
	it('File: the name from the URL path when there is no Content-Disposition, into the chosen property', async () => {
		const { output } = await get('/files/photo.jpg', { responseFormat: 'binary', outputBinaryField: 'photo' });
		expect(output[0].binary?.photo?.fileName).toBe('photo.jpg');
		expect(output[0].binary?.photo?.mimeType).toBe('image/jpeg');
		expect(output[0].binary?.data).toBeUndefined();
	});

	it('File: an RFC 5987 file name (filename*=UTF-8\'\'…) is decoded', async () => {
		const { output } = await get('/unicode', { responseFormat: 'binary' });
		expect(output[0].binary?.data?.fileName).toBe('résumé.txt');
	});

	it('Text: a JSON body stays a string', async () => {
		const { output } = await get('/object', { responseFormat: 'text' });
		expect(output[0].json).toEqual({ data: '{"id":7,"name":"seven"}' });
	});

	it('JSON: CSV text is an error that says so and suggests another format', async () => {
		const { error } = await get('/csv', { responseFormat: 'json' });
		expect(error?.message).toContain('is not valid JSON');
		expect(error?.description).toContain('Response Format');
	});

	it('Autodetect: a body that claims JSON but is not falls back to text', async () => {
		const { output, error } = await get('/not-json');
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ data: '<html>oops</html>' });
	});
});

describe('full response and never error', () => {
	it('Include Full Response: status, message, headers and the decoded body', async () => {
		const { output } = await get('/object', { fullResponse: true });
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ statusCode: 200, statusMessage: 'OK', body: { id: 7, name: 'seven' } });
		expect((output[0].json.headers as Record<string, string>)['content-type']).toBe('application/json');
	});

	it('a 404 fails the node with a diagnosis, including the start of the body', async () => {
		const { error } = await get('/missing');
		expect(error?.message).toContain('the URL was not found (404)');
		expect(error?.description).toContain('"error":"not found"');
	});

	it('Never Error: the 404 is output as data', async () => {
		const { output, error } = await get('/missing', { neverError: true, fullResponse: true });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ statusCode: 404, body: { error: 'not found' } });
	});

	it('a body that echoes the token is scrubbed before it becomes output', async () => {
		const { output, run } = await get('/echo');
		expect(output[0].json).toEqual({ sawToken: '[redacted]' });
		expect(findLeaks(run.data.resultData, [TOKEN])).toEqual([]);
	});
});

describe('options with expressions', () => {
	it('are read for each item, and a bad value fails only its own item', async () => {
		const { output, error } = await runWorkflow({
			parameters: { method: 'GET', url: `${api.url}/object`, options: { responseFormat: '={{ $json.format }}', timeout: '={{ $json.timeout }}' } },
			credential,
			items: [{ format: 'json', timeout: 'soon' }, { format: 'text', timeout: 5000 }, { format: 'json', timeout: 5000 }],
			settings: { continueOnFail: true },
		});
		expect(error).toBeUndefined();
		expect(output.map((o) => o.json)).toEqual([
			expect.objectContaining({ error: expect.stringContaining('Timeout (Ms)') }),
			{ data: '{"id":7,"name":"seven"}' },
			{ id: 7, name: 'seven' },
		]);
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});
