/** Resolving the node's URL parameter against the credential's base URL. */
import { ConfigError } from '../errors';
import { parseHttpUrl } from '../auth/connection';

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * An absolute URL is used as it is. A relative one (`/v1/orders?x=1`, `orders`) is appended to
 * the base URL's path: https://api.example.com/v2 + /orders → https://api.example.com/v2/orders.
 */
export function resolveUrl(raw: string, baseUrl: URL | undefined, field = 'URL'): URL {
	const text = raw.trim();
	if (!text) throw new ConfigError(field, 'is empty', 'Enter the URL to call, or a path relative to the credential\'s base URL.');
	if (ABSOLUTE.test(text)) return parseHttpUrl(text, field);
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
