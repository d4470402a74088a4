import { ConfigError } from '../../lib/errors';
import { nextLink } from '../../lib/pagination/linkHeader';
import { assertMayFollow, firstPageRequest, isEmptyPage, nextPageRequest, type Page, type PaginationSpec } from '../../lib/pagination/next';
import { valueAtPath } from '../../lib/json/paths';
import { decodeBody } from '../../lib/response/shape';
import type { OutgoingRequest } from '../../lib/transport/types';

const request = (url: string): OutgoingRequest => ({ method: 'GET', url: new URL(url), headers: { Accept: 'application/json' } });

function page(url: string, body: unknown, headers: Record<string, string> = {}): Page {
	const response = { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(body)), url };
	return { response, decoded: decodeBody(response, 'autodetect') };
}

const spec = (next: PaginationSpec['next'], extra: Partial<PaginationSpec> = {}): PaginationSpec => ({
	next,
	resultsPath: '',
	stopWhenEmpty: true,
	maxPages: 10,
	output: 'merged',
	...extra,
});

describe('dot paths', () => {
	it('walks objects and arrays; missing steps give undefined', () => {
		const value = { links: { next: 'n' }, pages: [{ url: 'u0' }, { url: 'u1' }] };
		expect(valueAtPath(value, 'links.next')).toBe('n');
		expect(valueAtPath(value, 'pages[1].url')).toBe('u1');
		expect(valueAtPath(value, 'pages.0.url')).toBe('u0');
		expect(valueAtPath(value, 'links.prev.href')).toBeUndefined();
		expect(valueAtPath(value, '')).toBe(value);
	});
});

describe('Link header', () => {
	it('finds rel="next" among several links, quoted or not, in any order', () => {
		expect(nextLink('<https://api/x?page=3>; rel="last", <https://api/x?page=2>; rel="next"')).toBe('https://api/x?page=2');
		expect(nextLink('</items?after=abc>; rel=next; title="more"')).toBe('/items?after=abc');
		expect(nextLink('<https://a/1>; rel="prev next"')).toBe('https://a/1');
		expect(nextLink('<https://api/x?page=1>; rel="first"')).toBeUndefined();
		expect(nextLink(undefined)).toBeUndefined();
	});
});

describe('next page', () => {
	const first = request('https://api.example.com/v1/orders?limit=2');

	it('URL field: absolute or relative to the page; stops when missing or the same page', () => {
		const s = spec({ kind: 'urlField', path: 'links.next' });
		expect(nextPageRequest(s, first, page(first.url.href, { links: { next: '/v1/orders?page=2' } }), 1)?.url.href).toBe('https://api.example.com/v1/orders?page=2');
		expect(nextPageRequest(s, first, page(first.url.href, { links: { next: null } }), 1)).toBeUndefined();
		expect(nextPageRequest(s, first, page(first.url.href, { links: { next: first.url.href } }), 1)).toBeUndefined();
	});

	it('keeps method and headers, and does not share the header record', () => {
		const next = nextPageRequest(spec({ kind: 'linkHeader' }), first, page(first.url.href, [], { link: '<https://api.example.com/v1/orders?page=2>; rel="next"' }), 1);
		expect(next?.headers).toEqual(first.headers);
		expect(next?.headers).not.toBe(first.headers);
	});

	it('cursor: sets the parameter; stops on an empty or repeated cursor', () => {
		const s = spec({ kind: 'cursor', path: 'meta.next', parameter: 'cursor' });
		const second = nextPageRequest(s, first, page(first.url.href, { meta: { next: 'c2' } }), 1) as OutgoingRequest;
		expect(second.url.searchParams.get('cursor')).toBe('c2');
		expect(second.url.searchParams.get('limit')).toBe('2');
		expect(nextPageRequest(s, second, page(second.url.href, { meta: { next: 'c2' } }), 2)).toBeUndefined();
		expect(nextPageRequest(s, second, page(second.url.href, { meta: { next: '' } }), 2)).toBeUndefined();
	});

	it('counter: first value on page 1, then first + n × step', () => {
		const s = spec({ kind: 'counter', parameter: 'offset', first: 0, step: 50 });
		const one = firstPageRequest(first, s);
		expect(one.url.searchParams.get('offset')).toBe('0');
		expect(nextPageRequest(s, one, page(one.url.href, [1]), 1)?.url.searchParams.get('offset')).toBe('50');
		expect(nextPageRequest(s, one, page(one.url.href, [1]), 3)?.url.searchParams.get('offset')).toBe('150');
	});

	it('a next URL that is not a URL is a configuration error', () => {
		const s = spec({ kind: 'urlField', path: 'next' });
		expect(() => nextPageRequest(s, first, page(first.url.href, { next: 'http://[bad' }), 1)).toThrow(ConfigError);
	});

	it.each(['file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,x', 'ftp://files.example.com/p2'])('a next URL of another scheme (%s) is refused, naming the pagination field', (next) => {
		const s = spec({ kind: 'urlField', path: 'next' });
		expect(() => nextPageRequest(s, first, page(first.url.href, { next }), 1)).toThrow(/Pagination.*is a "[a-z]+:" URL/s);
		// A relative or http(s) one is followed.
		expect(nextPageRequest(s, first, page(first.url.href, { next: '/items?page=2' }), 1)?.url.pathname).toBe('/items');
	});
});

describe('empty pages', () => {
	it('an empty list, a missing results field, or an empty body is empty', () => {
		expect(isEmptyPage(page('https://a/', []).decoded, '')).toBe(true);
		expect(isEmptyPage(page('https://a/', { data: [] }).decoded, 'data')).toBe(true);
		expect(isEmptyPage(page('https://a/', { other: 1 }).decoded, 'data')).toBe(true);
		expect(isEmptyPage(page('https://a/', {}).decoded, '')).toBe(true);
		expect(isEmptyPage(page('https://a/', { data: [1] }).decoded, 'data')).toBe(false);
		expect(isEmptyPage(page('https://a/', [0]).decoded, '')).toBe(false);
	});
});

describe('following to another origin', () => {
	const first = new URL('https://api.example.com/v1/orders');
	it('same origin is always followed', () => {
		expect(() => assertMayFollow(new URL('https://api.example.com/v1/orders?page=2'), first, { allowedDomains: [], allowPlainHttp: false })).not.toThrow();
	});
	it('another origin only when the allowed domains name it', () => {
		expect(() => assertMayFollow(new URL('https://cdn.example.com/p2'), first, { allowedDomains: [], allowPlainHttp: false })).toThrow(/another origin/);
		let refused: unknown;
		try {
			assertMayFollow(new URL('https://cdn.example.com/p2'), first, { allowedDomains: ['api.example.com'], allowPlainHttp: false });
		} catch (error) {
			refused = error;
		}
		expect((refused as ConfigError).fix).toBe('Add "cdn.example.com" to the credential\'s Allowed Domains if it may receive the credential.');
		expect(() => assertMayFollow(new URL('https://cdn.example.com/p2'), first, { allowedDomains: ['*.example.com'], allowPlainHttp: false })).not.toThrow();
	});
});
