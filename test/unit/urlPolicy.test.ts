/** Where a credential may be sent: the allowed-domains field, host matching, loopback, plain http. */
import { assertMaySendSecrets, hostMatches, isHostAllowed, isLoopbackHost, parseAllowedDomains, type UrlPolicy } from '../../lib/security/urlPolicy';
import { refusal } from '../support/refusal';

describe('parseAllowedDomains', () => {
	it('defaults to the base URL host, lower case, without brackets or a trailing dot', () => {
		expect(parseAllowedDomains(undefined, new URL('https://API.Example.com./v1'))).toEqual(['api.example.com']);
		expect(parseAllowedDomains('', new URL('https://[::1]:8443/'))).toEqual(['::1']);
		expect(parseAllowedDomains(' , ', undefined)).toEqual([]);
		expect(parseAllowedDomains(undefined, undefined)).toEqual([]);
	});

	it('splits on commas and any whitespace, and reads hosts out of URLs and host:port', () => {
		expect(parseAllowedDomains('api.example.com,  *.Example.org\nhttps://login.example.net:8443/path\tcdn.example.com:443 [::1]', undefined)).toEqual([
			'api.example.com',
			'*.example.org',
			'login.example.net',
			'cdn.example.com',
			'::1',
		]);
		expect(parseAllowedDomains('example.com.', undefined)).toEqual(['example.com']);
	});

	it.each([['*.'], ['*'], ['api.*.com'], ['**.example.com'], ['exa_mple.com'], ['https://'], ['ex ample/x'], ['é.example.com'], ['exa[mple.com'], ['exa]mple.com']])('refuses %j, naming the entry and the field', (entry) => {
		const error = refusal(() => parseAllowedDomains(entry, undefined));
		expect(error.field).toBe('Allowed Domains');
		expect(error.message).toContain(' is not a host name');
		expect(error.fix).toMatch(/separated by commas/);
	});

	it('names the whole entry in the error', () => {
		expect(refusal(() => parseAllowedDomains('good.example.com, bad_host', undefined)).message).toBe('Allowed Domains: "bad_host" is not a host name');
	});
});

describe('hostMatches', () => {
	it.each([
		['api.example.com', 'api.example.com', true],
		['API.Example.COM.', 'api.example.com', true],
		['other.example.com', 'api.example.com', false],
		['api.example.com.evil.test', 'api.example.com', false],
		['a.example.org', '*.example.org', true],
		['a.b.example.org', '*.example.org', true],
		['example.org', '*.example.org', false],
		['badexample.org', '*.example.org', false],
		['[::1]', '::1', true],
		// Only the brackets around an IPv6 literal are taken off, not one inside a name.
		['api[.example.com', 'api.example.com', false],
		['api.example].com', 'api.example.com', false],
	])('%s against %s: %s', (host, pattern, expected) => {
		expect(hostMatches(host, pattern)).toBe(expected);
	});
});

describe('isLoopbackHost', () => {
	it.each([
		['localhost', true],
		['LOCALHOST', true],
		// Only the exact name counts: a resolver may send *.localhost to DNS (security review, finding 9).
		['app.localhost', false],
		['localhost.example.com', false],
		['notlocalhost', false],
		['127.0.0.1', true],
		['127.8.9.10', true],
		['128.0.0.1', false],
		['10.127.0.1', false],
		['[::1]', true],
		['0:0:0:0:0:0:0:1', true],
		['::2', false],
		['127.example.com', false],
		['local[host', false],
		['local]host', false],
	])('%s: %s', (host, expected) => {
		expect(isLoopbackHost(host)).toBe(expected);
	});
});

describe('assertMaySendSecrets', () => {
	const policy = (allowedDomains: string[], allowPlainHttp = false): UrlPolicy => ({ allowedDomains, allowPlainHttp });

	it('lets an allowed host over https through, and any host when the list is empty', () => {
		expect(() => assertMaySendSecrets(new URL('https://api.example.com/x'), policy(['api.example.com']), 'URL')).not.toThrow();
		expect(() => assertMaySendSecrets(new URL('https://anything.test/x'), policy([]), 'URL')).not.toThrow();
		expect(isHostAllowed('anything.test', policy([]))).toBe(true);
		expect(isHostAllowed('b.test', policy(['a.test', 'b.test']))).toBe(true);
		expect(isHostAllowed('c.test', policy(['a.test', 'b.test']))).toBe(false);
	});

	it('refuses a host outside the list, naming the field, the host and the list', () => {
		const error = refusal(() => assertMaySendSecrets(new URL('https://evil.test/'), policy(['a.test', '*.b.test']), 'URL'));
		expect(error.field).toBe('URL');
		expect(error.message).toBe('URL: host "evil.test" is not in the credential\'s allowed domains (a.test, *.b.test)');
		expect(error.fix).toBe('Add "evil.test" to the credential\'s Allowed Domains field if this host may receive the credential.');
	});

	it('refuses plain http to a host that is not loopback, unless the switch is on', () => {
		const error = refusal(() => assertMaySendSecrets(new URL('http://api.example.com:8080/x'), policy(['api.example.com']), 'Token URL'));
		expect(error.message).toBe('Token URL: "http://api.example.com:8080" uses plain http, which would send the credential unencrypted');
		expect(error.fix).toMatch(/Allow Plain HTTP/);
		expect(() => assertMaySendSecrets(new URL('http://api.example.com/x'), policy(['api.example.com'], true), 'URL')).not.toThrow();
		expect(() => assertMaySendSecrets(new URL('http://127.0.0.1:9/x'), policy([]), 'URL')).not.toThrow();
		expect(() => assertMaySendSecrets(new URL('http://localhost:9/x'), policy([]), 'URL')).not.toThrow();
	});

	it('checks the host before the scheme', () => {
		expect(refusal(() => assertMaySendSecrets(new URL('http://evil.test/'), policy(['a.test']), 'URL')).message).toMatch(/allowed domains/);
	});
});
