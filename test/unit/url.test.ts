/** Relative URLs against the credential's base URL: slashes handled as users expect, the base path kept. */
import { resolveUrl } from '../../lib/request/url';

const base = (text: string) => new URL(text);

it.each<[string, string, string]>([
	['https://api.example.test/v1', '/orders', 'https://api.example.test/v1/orders'],
	['https://api.example.test/v1/', '/orders', 'https://api.example.test/v1/orders'],
	['https://api.example.test/v1/', 'orders', 'https://api.example.test/v1/orders'],
	['https://api.example.test/v1', 'orders/', 'https://api.example.test/v1/orders/'],
	['https://api.example.test/v1//', '//orders', 'https://api.example.test/v1/orders'],
	['https://api.example.test', '/orders', 'https://api.example.test/orders'],
	['https://api.example.test/', '', 'https://api.example.test/'],
	['https://api.example.test/v1', '/', 'https://api.example.test/v1'],
	['https://api.example.test/v1', '/orders?x=1&y=a%20b', 'https://api.example.test/v1/orders?x=1&y=a%20b'],
	['https://api.example.test/v1?tenant=acme', '/orders?x=1', 'https://api.example.test/v1/orders?tenant=acme&x=1'],
	['https://api.example.test/v1?tenant=acme', '/orders', 'https://api.example.test/v1/orders?tenant=acme'],
	['https://api.example.test/v1', '/orders#part', 'https://api.example.test/v1/orders#part'],
	['https://api.example.test/v1', 'https://other.example.test/x', 'https://other.example.test/x'],
])('%s + %s → %s', (baseUrl, relative, expected) => {
	if (relative === '') {
		expect(() => resolveUrl(relative, base(baseUrl))).toThrow('URL: is empty');
		return;
	}
	expect(resolveUrl(relative, base(baseUrl)).href).toBe(expected);
});

it('a relative URL without a base URL names the parameter and the fix', () => {
	expect(() => resolveUrl('/orders', undefined)).toThrow('URL: "/orders" is a relative URL and the credential has no base URL');
});

describe('a scheme makes a URL absolute, with or without a base URL (RFC 3986 §4.2)', () => {
	const withBase = base('https://api.example.test/v1');
	it.each<[string, string]>([
		['javascript:alert(1)', '"javascript:" URLs are not supported'],
		['JavaScript:alert(1)', '"javascript:" URLs are not supported'],
		['java\tscript:alert(1)', '"javascript:" URLs are not supported'],
		['file:///etc/passwd', '"file:" URLs are not supported'],
		['data:text/plain,hello', '"data:" URLs are not supported'],
		['ftp://files.example.test/x', '"ftp:" URLs are not supported'],
		['mailto:someone@example.test', '"mailto:" URLs are not supported'],
	])('%s → refused', (text, message) => {
		for (const baseUrl of [withBase, undefined]) expect(() => resolveUrl(text, baseUrl)).toThrow(`URL: ${message}`);
	});

	it.each<[string, string]>([
		['127.0.0.1:33385/orders', '127.0.0.1:33385'],
		['localhost:8080', 'localhost:8080'],
		['api.example.test:8443/v1?x=1', 'api.example.test:8443'],
		['[::1]:8080/x', '[::1]:8080'],
	])('%s → "add https://", not a path under the base URL', (text, host) => {
		for (const baseUrl of [withBase, undefined]) {
			expect(() => resolveUrl(text, baseUrl)).toThrow(`URL: "${host}" is a host and port without a scheme`);
		}
	});

	it.each<[string, string]>([
		['/v1/things:batchGet', 'https://api.example.test/v1/v1/things:batchGet'],
		['things/a:b', 'https://api.example.test/v1/things/a:b'],
		['./things:batchGet', 'https://api.example.test/v1/things:batchGet'],
		['/orders?at=10:30', 'https://api.example.test/v1/orders?at=10:30'],
		['HTTPS://api.example.test/x', 'https://api.example.test/x'],
	])('%s is still a path (or an http URL): %s', (text, expected) => {
		expect(resolveUrl(text, withBase).href).toBe(expected);
	});
});
