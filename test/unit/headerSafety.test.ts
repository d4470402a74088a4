/**
 * Line breaks and control characters never reach a header: the checks alone, then every
 * credential field and node parameter that ends up in a header line. The inputs hold no space,
 * so a "no spaces" rule elsewhere cannot be what refuses them.
 */
import { openSession } from '../../lib/session';
import { systemClock } from '../../lib/clock';
import { silentLogger } from '../../lib/services';
import { assertHeaderName, assertHeaderValue, assertNoLineBreaks } from '../../lib/security/headerSafety';
import { type RequestSpec, buildRequest } from '../../lib/request/build';
import { refusal } from '../support/refusal';

const services = { clock: systemClock, logger: silentLogger };

/** Line breaks without any space: LF, CR, CRLF, and a header-injection attempt. */
const BREAKS: Array<[string, string]> = [
	['LF', 'abc\ndef'],
	['CR', 'abc\rdef'],
	['CRLF', 'abc\r\ndef'],
	['header injection', 'abc\r\nX-Injected:1'],
];

describe('the checks', () => {
	it.each(BREAKS)('assertNoLineBreaks refuses %s and names the field and what', (_name, value) => {
		const error = refusal(() => assertNoLineBreaks(value, 'Some Field', 'parameter name'));
		expect(error.field).toBe('Some Field');
		expect(error.message).toBe('Some Field: the parameter name contains a line break');
		expect(error.fix).toMatch(/inject extra HTTP headers/);
	});

	it('assertNoLineBreaks says "value" by default and lets other text through', () => {
		expect(refusal(() => assertNoLineBreaks('a\nb', 'F')).message).toBe('F: the value contains a line break');
		expect(() => assertNoLineBreaks('a b\tc-é', 'F')).not.toThrow();
	});

	it.each(BREAKS)('assertHeaderName refuses %s as a line break', (_name, value) => {
		expect(refusal(() => assertHeaderName(value, 'Name')).message).toBe('Name: the header name contains a line break');
	});

	it.each([['X-API-Key'], ["!#$%&'*+-.^_`|~09azAZ"]])('assertHeaderName accepts the token %s', (name) => {
		expect(() => assertHeaderName(name, 'Name')).not.toThrow();
	});

	it.each([['X API Key'], ['X:Key'], ['Ключ'], [''], ['X-Key"'], ['(x)']])('assertHeaderName refuses %j, naming it', (name) => {
		const error = refusal(() => assertHeaderName(name, 'Name'));
		expect(error.message).toBe(`Name: "${name}" is not a valid header name`);
		expect(error.fix).toMatch(/X-API-Key/);
	});

	it.each(BREAKS)('assertHeaderValue refuses %s as a line break', (_name, value) => {
		expect(refusal(() => assertHeaderValue(value, 'Value')).message).toBe('Value: the value contains a line break');
	});

	it.each([['NUL', '\x00'], ['BS', '\x08'], ['VT', '\x0b'], ['US', '\x1f'], ['DEL', '\x7f']])('assertHeaderValue refuses the control character %s', (_name, char) => {
		const error = refusal(() => assertHeaderValue(`a${char}b`, 'Value'));
		expect(error.message).toBe('Value: the value contains a control character');
		expect(error.fix).toMatch(/control characters/);
	});

	it('assertHeaderValue keeps spaces, tabs and visible characters', () => {
		expect(() => assertHeaderValue('Token a\tb ~ é', 'Value')).not.toThrow();
	});
});

type Case = [name: string, type: string, data: Record<string, unknown>, field: string];

const credentialCases = (value: string): Case[] => [
	['bearer token', 'apiAuthBearerToken', { token: value }, 'Token'],
	['bearer header prefix', 'apiAuthBearerToken', { token: 'abc', headerPrefix: value }, 'Header Prefix'],
	['API key in a header', 'apiAuthApiKey', { apiKey: value, parameterName: 'X-API-Key' }, 'API Key'],
	['API key in the query', 'apiAuthApiKey', { apiKey: value, parameterName: 'api_key', placement: 'query' }, 'API Key'],
	['API key header name', 'apiAuthApiKey', { apiKey: 'k-1', parameterName: value }, 'Parameter Name'],
	['API key query name', 'apiAuthApiKey', { apiKey: 'k-1', parameterName: value, placement: 'query' }, 'Parameter Name'],
	['basic user', 'apiAuthBasic', { user: value, password: 'pw' }, 'User'],
	['basic password', 'apiAuthBasic', { user: 'alice', password: value }, 'Password'],
];

describe.each(BREAKS)('credentials refuse %s before anything is sent', (_break, value) => {
	it.each(credentialCases(value))('%s', (_name, type, data, field) => {
		const error = refusal(() => openSession(type, data, services));
		expect(error.field).toBe(field);
		// A Basic user name with "X-Injected:1" is refused for its colon first (RFC 7617).
		expect(error.message).toMatch(/line break|cannot carry/);
	});
});

describe.each(BREAKS)('node parameters refuse %s', (_break, value) => {
	const spec = (headers: Array<[string, string]>, query: Array<[string, string]> = []): RequestSpec => ({
		method: 'GET',
		url: 'https://api.example.test/v1',
		query,
		headers,
		arrayFormat: 'repeat' as const,
	});
	it('in a header value', () => {
		expect(refusal(() => buildRequest(spec([['X-Trace', value]]), undefined)).field).toBe('Headers');
	});
	it('in a header name', () => {
		expect(refusal(() => buildRequest(spec([[value, 'v']]), undefined)).field).toBe('Headers');
	});
	it('in a query parameter name', () => {
		expect(refusal(() => buildRequest(spec([], [[value, 'v']]), undefined)).field).toBe('Query Parameters');
	});
});
