/**
 * Pagination as pure decisions: which request fetches the next page, and whether a page is the
 * last one. The loop that sends them is in paginate.ts.
 */
import { ConfigError } from '../errors';
import type { DecodedBody } from '../response/shape';
import { isHostAllowed, type UrlPolicy } from '../security/urlPolicy';
import type { HttpResponse, OutgoingRequest } from '../transport/types';
import { nextLink } from './linkHeader';
import { valueAtPath } from '../json/paths';

export type NextPage =
	/** The next page's URL is in a field of the response body. */
	| { kind: 'urlField'; path: string }
	/** The next page's URL is the Link header's rel="next". */
	| { kind: 'linkHeader' }
	/** A cursor from a body field goes into a query parameter of the next request. */
	| { kind: 'cursor'; path: string; parameter: string }
	/** A query parameter counts pages or offsets: first, first + step, first + 2 × step… */
	| { kind: 'counter'; parameter: string; first: number; step: number };

export interface PaginationSpec {
	next: NextPage;
	/** Where a page's results are (dot path); empty: the body itself when it is an array. */
	resultsPath: string;
	stopWhenEmpty: boolean;
	maxPages: number;
	/** One output per page as a single request would give, or the results of all pages as items. */
	output: 'pages' | 'merged';
}

export interface Page {
	response: HttpResponse;
	decoded: DecodedBody;
}

export const PAGINATION_FIELD = 'Pagination';

function withUrl(request: OutgoingRequest, url: URL): OutgoingRequest {
	return { ...request, url, headers: { ...request.headers } };
}

function withQuery(request: OutgoingRequest, name: string, value: string): OutgoingRequest {
	const url = new URL(request.url.href);
	url.searchParams.set(name, value);
	return withUrl(request, url);
}

/** The request for page 1: the counter's first value set, everything else as built. */
export function firstPageRequest(request: OutgoingRequest, spec: PaginationSpec): OutgoingRequest {
	return spec.next.kind === 'counter' ? withQuery(request, spec.next.parameter, String(spec.next.first)) : request;
}

/** What the page holds as results: the value at the results path, or the body. */
export function pageResults(decoded: DecodedBody, resultsPath: string): unknown {
	if (decoded.kind !== 'json') return decoded.kind === 'text' ? decoded.value : undefined;
	return resultsPath ? valueAtPath(decoded.value, resultsPath) : decoded.value;
}

export function isEmptyPage(decoded: DecodedBody, resultsPath: string): boolean {
	if (decoded.kind === 'binary') return decoded.value.data.length === 0;
	const results = pageResults(decoded, resultsPath);
	if (results === undefined || results === null || results === '') return true;
	if (Array.isArray(results)) return results.length === 0;
	return typeof results === 'object' && Object.keys(results).length === 0;
}

function textAt(decoded: DecodedBody, path: string): string | undefined {
	if (decoded.kind !== 'json') return undefined;
	const value = valueAtPath(decoded.value, path);
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function resolveNextUrl(text: string | undefined, page: HttpResponse): URL | undefined {
	if (!text) return undefined;
	let url: URL;
	try {
		url = new URL(text, page.url);
	} catch {
		throw new ConfigError(PAGINATION_FIELD, `the next page's URL "${text.slice(0, 200)}" in the response is not a URL`, 'Check the field or header that holds the next URL.');
	}
	// The API's answer chooses this URL: only http(s), as for the node's own URL.
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new ConfigError(PAGINATION_FIELD, `the next page's URL in the response is a "${url.protocol}" URL`, 'Check the field or header that holds the next URL: pages are fetched over https:// (or http://) only.');
	}
	return url;
}

/**
 * The request for page `number + 1`, or undefined when `page` (page `number`) is the last one:
 * no next URL or cursor, or one that would fetch the same page again.
 */
export function nextPageRequest(spec: PaginationSpec, current: OutgoingRequest, page: Page, number: number): OutgoingRequest | undefined {
	const { next } = spec;
	switch (next.kind) {
		case 'urlField':
		case 'linkHeader': {
			const text = next.kind === 'urlField' ? textAt(page.decoded, next.path) : nextLink(page.response.headers.link);
			const url = resolveNextUrl(text, page.response);
			return url && url.href !== current.url.href ? withUrl(current, url) : undefined;
		}
		case 'cursor': {
			const cursor = textAt(page.decoded, next.path);
			return cursor && cursor !== current.url.searchParams.get(next.parameter) ? withQuery(current, next.parameter, cursor) : undefined;
		}
		case 'counter':
			return withQuery(current, next.parameter, String(next.first + number * next.step));
	}
}

/**
 * A next page on another origin than the first request is followed only when the credential's
 * allowed domains (set, or implied by its base URL) name its host: the API's answer must not be
 * able to send the credential anywhere it likes.
 */
export function assertMayFollow(next: URL, first: URL, policy: UrlPolicy): void {
	if (next.origin === first.origin) return;
	if (policy.allowedDomains.length > 0 && isHostAllowed(next.hostname, policy)) return;
	throw new ConfigError(
		PAGINATION_FIELD,
		`the next page is on ${next.origin}, another origin than the first request (${first.origin})`,
		`Add "${next.hostname}" to the credential's Allowed Domains if it may receive the credential.`,
	);
}
