/** Node parameters of one item, already resolved → the plain request the core sends. */
import { ConfigError } from '../errors';
import { assertHeaderName, assertHeaderValue, assertNoLineBreaks } from '../security/headerSafety';
import { findHeader, setHeader } from '../transport/headers';
import type { OutgoingRequest } from '../transport/types';
import { type BodySpec, encodeBody, type QueryScalar } from './body';
import { resolveUrl } from './url';

export type ArrayFormat = 'repeat' | 'brackets' | 'indices' | 'comma';

export interface RequestSpec {
	method: string;
	url: string;
	query: Array<[string, QueryScalar | QueryScalar[]]>;
	arrayFormat: ArrayFormat;
	headers: Array<[string, string]>;
	body?: BodySpec;
}

export const REQUEST_FIELDS = { url: 'URL', query: 'Query Parameters', headers: 'Headers', method: 'Method' } as const;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function scalar(value: QueryScalar): string {
	return value === null || value === undefined ? '' : String(value);
}

export function appendQuery(url: URL, name: string, value: QueryScalar | QueryScalar[], format: ArrayFormat): void {
	assertNoLineBreaks(name, REQUEST_FIELDS.query, 'parameter name');
	if (!Array.isArray(value)) {
		url.searchParams.append(name, scalar(value));
		return;
	}
	switch (format) {
		case 'repeat':
			for (const entry of value) url.searchParams.append(name, scalar(entry));
			break;
		case 'brackets':
			for (const entry of value) url.searchParams.append(`${name}[]`, scalar(entry));
			break;
		case 'indices':
			value.forEach((entry, index) => url.searchParams.append(`${name}[${index}]`, scalar(entry)));
			break;
		case 'comma':
			url.searchParams.append(name, value.map(scalar).join(','));
			break;
	}
}

export function buildRequest(spec: RequestSpec, baseUrl: URL | undefined): OutgoingRequest {
	const method = spec.method.toUpperCase();
	if (!METHODS.has(method)) {
		throw new ConfigError(REQUEST_FIELDS.method, `"${spec.method}" is not supported`, `Use one of ${[...METHODS].join(', ')}.`);
	}
	const url = resolveUrl(spec.url, baseUrl, REQUEST_FIELDS.url);
	for (const [name, value] of spec.query) if (name) appendQuery(url, name, value, spec.arrayFormat);

	const headers: Record<string, string> = {};
	for (const [name, value] of spec.headers) {
		if (!name) continue;
		assertHeaderName(name, REQUEST_FIELDS.headers);
		assertHeaderValue(value, REQUEST_FIELDS.headers);
		headers[name] = value;
	}
	if (!findHeader(headers, 'Accept')) headers.Accept = 'application/json, text/plain;q=0.9, */*;q=0.8';

	const request: OutgoingRequest = { method, url, headers };
	if (spec.body && method !== 'HEAD') {
		const encoded = encodeBody(spec.body);
		request.body = encoded.data;
		if (!findHeader(headers, 'Content-Type') && encoded.contentType) setHeader(headers, 'Content-Type', encoded.contentType);
	}
	return request;
}
