/** Resolving the node's URL parameter against the credential's base URL. */
import { ConfigError } from '../errors';
import { parseHttpUrl } from '../auth/connection';

/** `host:port` before the first `/`, `?` or `#`: a URL someone forgot the scheme of. */
const HOST_AND_PORT = /^([^/?#@:\s]+|\[[0-9a-f:.]+\]):(\d{1,5})(?=[/?#]|$)/i;
/** RFC 3986 §3.1 scheme followed by ":" — an absolute URI, never a path (§4.2). */
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * What the text is before any base URL applies: `api.example.com:8443/x` is a host and port
 * without a scheme (checked first, since `api.example.com:` also reads as a scheme); anything
 * else with a scheme is absolute and must be http(s), even when the credential has a base URL.
 */
function assertHttpOrRelative(text: string, field: string): 'absolute' | 'relative' {
	const hostAndPort = HOST_AND_PORT.exec(text);
	if (hostAndPort) {
		const host = `${hostAndPort[1]}:${hostAndPort[2]}`;
		throw new ConfigError(
			field,
			`"${host}" is a host and port without a scheme`,
			`Add https:// (or http://) in front, e.g. https://${host}/…; for a path under the credential's Base URL start with /.`,
		);
	}
	const scheme = SCHEME.exec(text)?.[1].toLowerCase();
	if (scheme === undefined) return 'relative';
	if (scheme !== 'https' && scheme !== 'http') {
		throw new ConfigError(
			field,
			`"${scheme}:" URLs are not supported`,
			'Use an https:// (or http://) URL, or a path such as /orders under the credential\'s Base URL.',
		);
	}
	return 'absolute';
}

/**
 * An absolute URL is used as it is. A relative one (`/v1/orders?x=1`, `orders`) is appended to
 * the base URL's path: https://api.example.com/v2 + /orders → https://api.example.com/v2/orders.
 */
export function resolveUrl(raw: string, baseUrl: URL | undefined, field = 'URL'): URL {
	// The WHATWG parser drops tabs and line breaks anywhere ("java\tscript:"), so judge the text it would see.
	const text = raw.replace(/[\t\n\r]/g, '').trim();
	if (!text) throw new ConfigError(field, 'is empty', 'Enter the URL to call, or a path relative to the credential\'s base URL.');
	if (assertHttpOrRelative(text, field) === 'absolute') return parseHttpUrl(text, field);
	if (!baseUrl) {
		throw new ConfigError(
			field,
			`"${text}" is a relative URL and the credential has no base URL`,
			'Enter a full URL (https://…), or set Base URL in the credential.',
		);
	}
	const basePath = baseUrl.pathname.replace(/\/+$/, '');
	const [pathAndQuery, fragment] = text.split('#', 2);
	const queryStart = pathAndQuery.indexOf('?');
	const path = (queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart)).replace(/^\/+/, '');
	const query = queryStart === -1 ? '' : pathAndQuery.slice(queryStart);
	const url = new URL(baseUrl.href);
	url.pathname = path ? `${basePath}/${path}` : basePath || '/';
	// The base URL's own query (e.g. ?tenant=acme) is kept and the relative URL's added to it.
	if (query.length > 1) url.search = baseUrl.search ? `${baseUrl.search}&${query.slice(1)}` : query;
	url.hash = fragment ? `#${fragment}` : '';
	return url;
}
