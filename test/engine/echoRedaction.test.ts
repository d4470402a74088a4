/**
 * An API that echoes the credential back: the output is scrubbed in the form it is returned
 * (parsed JSON, file bytes), not only in the raw body, and every value that authenticates is
 * known to redaction, a Basic user name that is the API key included.
 */
import { distAgents, resetTokenState } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { findLeaks } from '../support/secrets';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

const TOKEN = 'tok/echo+5ecret/Value_12';
const KEY_AS_USER = 'key-as-user-5ecret-Value-34';
let api: RecordingServer;

/** JSON text with every / and + escaped: valid JSON that parses back to the token. */
const escaped = (text: string) => text.replace(/\//g, '\\/').replace(/\+/g, '\\u002B');

beforeAll(async () => {
	api = await startRecordingServer({
		handler: (req) => {
			const auth = String(req.headers.authorization ?? '');
			if (req.path === '/escaped') return { headers: { 'content-type': 'application/json' }, body: `{"echo":"${escaped(auth.replace(/^Bearer /, ''))}"}` };
			if (req.path === '/file') return { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(`token=${auth}`), Buffer.from([0xfe])]) };
			if (req.path === '/user') return { body: { user: Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().replace(/:$/, '') } };
			return { body: { ok: true } };
		},
	});
});
afterAll(async () => {
	await api.close();
	distAgents.destroyAgents();
});
beforeEach(async () => {
	api.requests.length = 0;
	await resetTokenState();
});

const bearer = { type: 'apiAuthBearerToken', data: { token: TOKEN } };

describe('echoed secrets are scrubbed from what the node returns', () => {
	it('JSON escapes (\\/, \\u002B) in the raw body do not hide the token from the check', async () => {
		const { output, error } = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/escaped` }, credential: bearer });
		expect(error).toBeUndefined();
		expect(output[0].json).toEqual({ echo: '[redacted]' });
		expect(findLeaks(output, [TOKEN])).toEqual([]);
	});

	it('a File response: the token is replaced in the bytes, the bytes around it are kept', async () => {
		const { output, error } = await runWorkflow({ parameters: { method: 'GET', url: `${api.url}/file`, options: { responseFormat: 'binary' } }, credential: bearer });
		expect(error).toBeUndefined();
		const bytes = Buffer.from(output[0].binary?.data?.data ?? '', 'base64');
		// The whole header value "Bearer <token>" is a known secret form, replaced as one.
		expect(bytes.equals(Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from('token=[redacted]'), Buffer.from([0xfe])]))).toBe(true);
	});

	it('Basic auth whose user name is the API key (empty password): the user name is a secret too', async () => {
		const { output, error } = await runWorkflow({
			parameters: { method: 'GET', url: `${api.url}/user` },
			credential: { type: 'apiAuthBasic', data: { user: KEY_AS_USER, password: '' } },
		});
		expect(error).toBeUndefined();
		expect(api.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`${KEY_AS_USER}:`).toString('base64')}`);
		expect(output[0].json).toEqual({ user: '[redacted]' });
	});
});
