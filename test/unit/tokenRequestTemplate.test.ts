/** The Token Request templates and the path helpers: encodings by place, and what a mistake says. */
import { leafPaths, pathProblem, valueAtPath } from '../../lib/json/paths';
import { compileBody, compileHeaders, PLACEHOLDERS } from '../../lib/tokenRequest/template';

const ALL = PLACEHOLDERS;
const AWKWARD = 'a"b\\c&d=e+f g\né🔑';

describe('JSON bodies', () => {
	it('values go into the parsed template\'s strings, JSON-escaped, numbers and nesting kept', () => {
		const body = compileBody('json', '{"auth": {"user": "{{username}}", "secret": "pw:{{ password }}"}, "ttl": 60, "list": ["{{apiKey}}"]}', 'Login Body', ALL);
		const sent = body.render({ username: 'bob', password: AWKWARD, apiKey: 'k' }) as string;
		expect(JSON.parse(sent)).toEqual({ auth: { user: 'bob', secret: `pw:${AWKWARD}` }, ttl: 60, list: ['k'] });
		expect(body.contentType).toBe('application/json');
		expect(body.names).toEqual(['username', 'password', 'apiKey']);
	});

	it('a placeholder outside a string is invalid JSON, named as such', () => {
		expect(() => compileBody('json', '{"password": {{password}}}', 'Login Body', ALL)).toThrow(/^Login Body: is not valid JSON/);
	});
});

describe('form bodies', () => {
	it('each value form-encoded; the template\'s own escapes decoded first', () => {
		const body = compileBody('form', 'grant=pass%20word&user={{username}}\npassword={{password}}', 'Login Body', ALL);
		const sent = new URLSearchParams(body.render({ username: 'bob', password: AWKWARD }) as string);
		expect(Object.fromEntries(sent)).toEqual({ grant: 'pass word', user: 'bob', password: AWKWARD });
	});
});

describe('headers', () => {
	it('a value with a line break is refused rather than sent', () => {
		const headers = compileHeaders('{"X-Pass": "{{password}}"}', 'Login Headers', ALL);
		expect(headers.render({ password: 'ok' })).toEqual({ 'X-Pass': 'ok' });
		expect(() => headers.render({ password: 'a\r\nX-Evil: 1' })).toThrow(/^Login Headers: the value contains a line break/);
	});
});

describe('paths', () => {
	it('dots and indexes; problems named', () => {
		expect(valueAtPath({ result: [{ access: 'x' }] }, 'result[0].access')).toBe('x');
		expect(valueAtPath([{ token: 't' }], '[0].token')).toBe('t');
		expect(pathProblem('[0].token')).toBeUndefined();
		expect(pathProblem('data..token')).toMatch(/empty step/);
		expect(pathProblem('data[x]')).toMatch(/bracket/);
	});

	it('leaf paths list key names only, shallow first, lists by their first entry', () => {
		expect(leafPaths({ data: { accessToken: 'secret', expires: 5, user: { name: 'n' } }, items: [{ id: 1 }, { id: 2 }] })).toEqual(['data.accessToken', 'data.expires', 'data.user.name', 'items[0].id']);
	});
});
