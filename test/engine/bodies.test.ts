/**
 * Every body kind through n8n's real engine, as the server received it: JSON (fields, JSON text,
 * an expression's object), form URL-encoded, multipart with text fields and the item's files,
 * raw with a content type, and a binary file from the item.
 */
import { distAgents } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { type RecordedRequest, type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok_bodies_5ecret_Bearer_Value_5';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

let api: RecordingServer;

beforeAll(async () => {
	api = await startRecordingServer();
});
afterAll(async () => {
	await api.close();
	distAgents.destroyAgents();
});
beforeEach(() => {
	api.requests.length = 0;
});

const credential = { type: 'apiAuthBearerToken', data: { token: TOKEN } };
const post = (body: Record<string, unknown>) => ({ method: 'POST', url: `${api.url}/in`, sendBody: true, ...body });
const received = (): RecordedRequest => api.requests[0];

/** Parts of a multipart/form-data body, split on the boundary of its Content-Type. */
function multipartParts(request: RecordedRequest): Array<{ headers: string; data: Buffer }> {
	const boundary = /boundary=(.+)$/.exec(String(request.headers['content-type']))?.[1] as string;
	const parts: Array<{ headers: string; data: Buffer }> = [];
	const delimiter = Buffer.from(`--${boundary}`);
	let position = request.body.indexOf(delimiter);
	for (;;) {
		const start = position + delimiter.length;
		if (request.body.subarray(start, start + 2).toString() === '--') break;
		const next = request.body.indexOf(delimiter, start);
		const part = request.body.subarray(start + 2, next - 2);
		const split = part.indexOf('\r\n\r\n');
		parts.push({ headers: part.subarray(0, split).toString(), data: part.subarray(split + 4) });
		position = next;
	}
	return parts;
}

describe('JSON', () => {
	it('from JSON text', async () => {
		const { error } = await runWorkflow({ parameters: post({ contentType: 'json', specifyBody: 'json', jsonBody: '{"a":1,"b":[true,null],"c":"ü"}' }), credential });
		expect(error).toBeUndefined();
		expect(received().headers['content-type']).toBe('application/json');
		expect(JSON.parse(received().body.toString())).toEqual({ a: 1, b: [true, null], c: 'ü' });
		expect(received().headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	it('from fields', async () => {
		await runWorkflow({
			parameters: post({ contentType: 'json', specifyBody: 'keypair', bodyParameters: { parameters: [{ name: 'name', value: 'Ada' }, { name: 'role', value: 'admin' }] } }),
			credential,
		});
		expect(JSON.parse(received().body.toString())).toEqual({ name: 'Ada', role: 'admin' });
	});

	it('from an expression that returns an object, per item', async () => {
		const { error } = await runWorkflow({
			parameters: post({ contentType: 'json', specifyBody: 'json', jsonBody: '={{ { "id": $json.id, "tags": ["x", $json.id] } }}' }),
			credential,
			items: [{ id: 1 }, { id: 2 }],
		});
		expect(error).toBeUndefined();
		expect(api.requests.map((r) => JSON.parse(r.body.toString())).sort((a, b) => a.id - b.id)).toEqual([
			{ id: 1, tags: ['x', 1] },
			{ id: 2, tags: ['x', 2] },
		]);
	});

	it('invalid JSON text is a configuration error before anything is sent', async () => {
		const { error } = await runWorkflow({ parameters: post({ contentType: 'json', specifyBody: 'json', jsonBody: '{"a":' }), credential });
		expect(error?.message).toMatch(/^JSON: is not valid JSON/);
		expect(api.requests).toHaveLength(0);
	});
});

describe('form URL-encoded', () => {
	it('encodes the fields in order', async () => {
		await runWorkflow({
			parameters: post({ contentType: 'form', bodyParameters: { parameters: [{ name: 'q', value: 'a b&c' }, { name: 'n', value: '1' }] } }),
			credential,
		});
		expect(received().headers['content-type']).toBe('application/x-www-form-urlencoded');
		expect(received().body.toString()).toBe('q=a+b%26c&n=1');
	});
});

describe('multipart form data', () => {
	it('sends text fields and the item\'s file with its name and type', async () => {
		const { error } = await runWorkflow({
			parameters: post({
				contentType: 'multipart',
				multipartParameters: {
					parameters: [
						{ parameterType: 'formData', name: 'title', value: 'Logo' },
						{ parameterType: 'binary', name: 'upload', inputDataFieldName: 'image' },
					],
				},
			}),
			credential,
			items: [{ $binary: { image: { base64: PNG.toString('base64'), mimeType: 'image/png', fileName: 'logo.png' } } }],
		});
		expect(error).toBeUndefined();
		expect(received().headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const [title, upload] = multipartParts(received());
		expect(title.headers).toBe('Content-Disposition: form-data; name="title"');
		expect(title.data.toString()).toBe('Logo');
		expect(upload.headers).toBe('Content-Disposition: form-data; name="upload"; filename="logo.png"\r\nContent-Type: image/png');
		expect(upload.data.equals(PNG)).toBe(true);
	});

	it('a missing binary property is an error that names it', async () => {
		const { error } = await runWorkflow({
			parameters: post({ contentType: 'multipart', multipartParameters: { parameters: [{ parameterType: 'binary', name: 'upload', inputDataFieldName: 'missing' }] } }),
			credential,
		});
		expect(error?.message).toContain('missing');
		expect(api.requests).toHaveLength(0);
	});
});

describe('raw', () => {
	it('sends the text with the content type given', async () => {
		await runWorkflow({ parameters: post({ contentType: 'raw', rawContentType: 'text/csv', rawBody: 'a,b\n1,2\n' }), credential });
		expect(received().headers['content-type']).toBe('text/csv');
		expect(received().body.toString()).toBe('a,b\n1,2\n');
	});

	it('a Content-Type header the user set wins', async () => {
		await runWorkflow({
			parameters: {
				...post({ contentType: 'raw', rawContentType: 'text/plain', rawBody: '<a/>' }),
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'content-type', value: 'application/xml' }] },
			},
			credential,
		});
		expect(received().headers['content-type']).toBe('application/xml');
	});
});

describe('binary file', () => {
	it('sends the bytes of the item\'s binary property with its MIME type', async () => {
		const { error } = await runWorkflow({
			parameters: { ...post({ contentType: 'binary', inputDataFieldName: 'file' }), method: 'PUT' },
			credential,
			items: [{ $binary: { file: { base64: PNG.toString('base64'), mimeType: 'image/png', fileName: 'logo.png' } } }],
		});
		expect(error).toBeUndefined();
		expect(received().method).toBe('PUT');
		expect(received().headers['content-type']).toBe('image/png');
		expect(received().headers['content-length']).toBe(String(PNG.length));
		expect(received().body.equals(PNG)).toBe(true);
	});
});
