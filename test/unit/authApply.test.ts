/** How each credential type changes a request, table-driven, without servers. */
import { openSession } from '../../lib/session';
import { systemClock } from '../../lib/clock';
import { silentLogger } from '../../lib/services';
import type { OutgoingRequest } from '../../lib/transport/types';

const services = { clock: systemClock, logger: silentLogger };
const request = (url = 'https://api.example.test/v1/orders?page=2'): OutgoingRequest => ({ method: 'GET', url: new URL(url), headers: { Accept: 'application/json' } });
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

type Row = [name: string, type: string, data: Record<string, unknown>, headers: Record<string, string>, query: Record<string, string>];

const rows: Row[] = [
	['bearer', 'apiAuthBearerToken', { token: 'abc123' }, { Authorization: 'Bearer abc123' }, {}],
	['bearer: pasted "Bearer " and whitespace removed', 'apiAuthBearerToken', { token: '  bearer   abc123 \n' }, { Authorization: 'Bearer abc123' }, {}],
	['bearer: custom prefix', 'apiAuthBearerToken', { token: 'abc123', headerPrefix: 'Token' }, { Authorization: 'Token abc123' }, {}],
	['bearer: prefix cleared in the form', 'apiAuthBearerToken', { token: 'abc123', headerPrefix: '' }, { Authorization: 'abc123' }, {}],
	['bearer: prefix absent (older credential)', 'apiAuthBearerToken', { token: 'abc123' }, { Authorization: 'Bearer abc123' }, {}],
	['API key in a header', 'apiAuthApiKey', { apiKey: 'k-1', parameterName: 'X-API-Key' }, { 'X-API-Key': 'k-1' }, {}],
	['API key in a header with another name', 'apiAuthApiKey', { apiKey: 'k-1', parameterName: 'api-token', placement: 'header' }, { 'api-token': 'k-1' }, {}],
	['API key in the query', 'apiAuthApiKey', { apiKey: 'k-1/2+=', parameterName: 'api_key', placement: 'query' }, {}, { api_key: 'k-1/2+=' }],
	['basic', 'apiAuthBasic', { user: 'alice', password: 'pw' }, { Authorization: `Basic ${b64('alice:pw')}` }, {}],
	['basic: UTF-8 (RFC 7617)', 'apiAuthBasic', { user: 'zoë', password: 'pässwörd' }, { Authorization: `Basic ${b64('zoë:pässwörd')}` }, {}],
	['basic: empty password', 'apiAuthBasic', { user: 'key_123' }, { Authorization: `Basic ${b64('key_123:')}` }, {}],
];

it.each(rows)('%s', async (_name, type, data, headers, query) => {
	const session = openSession(type, data, services);
	const req = request();
	await session.authenticator.apply(req, session.newTrace(), { deadline: Date.now() + 1000 });
	expect(req.headers).toEqual({ Accept: 'application/json', ...headers });
	expect(Object.fromEntries(req.url.searchParams)).toEqual({ page: '2', ...query });
	// strip() takes exactly that back off, e.g. before a cross-origin redirect.
	session.authenticator.strip(req);
	expect(req.headers).toEqual({ Accept: 'application/json' });
	expect(Object.fromEntries(req.url.searchParams)).toEqual({ page: '2' });
});
