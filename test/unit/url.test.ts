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
