/**
 * An HTTP response → what the node outputs: JSON, text or binary, optionally the full response,
 * and the decision whether a status is an error.
 */
import { type Diagnosis, diagnoseStatus, type MethodLabel } from '../diagnosis';
import { ApiResponseError } from '../errors';
import { responseHeader } from '../transport/headers';
import { displayUrl } from '../transport/send';
import type { HttpResponse } from '../transport/types';

export type ResponseFormat = 'autodetect' | 'json' | 'text' | 'binary';

export interface ResponseOptions {
	format: ResponseFormat;
	fullResponse: boolean;
	neverError: boolean;
}

export interface BinaryBody {
	data: Buffer;
	mimeType: string;
	fileName?: string;
}

export type DecodedBody = { kind: 'json'; value: unknown } | { kind: 'text'; value: string } | { kind: 'binary'; value: BinaryBody };

export interface ShapedResponse {
	/** One entry per output item (a JSON array response gives one item per element). */
	items: Array<Record<string, unknown>>;
	binary?: BinaryBody;
}

const JSON_TYPE = /[/+]json\b/i;
const TEXT_TYPE = /^text\/|[/+]xml\b|javascript|x-www-form-urlencoded|graphql|yaml|csv/i;
const BODY_SNIPPET = 500;

export function isSuccess(status: number): boolean {
	return status >= 200 && status < 400;
}

export function fileNameFrom(response: HttpResponse): string | undefined {
	const disposition = responseHeader(response.headers, 'content-disposition') ?? '';
	const star = /filename\*\s*=\s*(?:UTF-8'[^']*')?([^;]+)/i.exec(disposition);
	if (star) {
		try {
			return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
		} catch {
			/* fall through to the plain parameter */
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
	if (plain) return (plain[2] ?? plain[1]).trim();
	const last = new URL(response.url).pathname.split('/').pop();
	return last || undefined;
}

export function decodeBody(response: HttpResponse, format: ResponseFormat): DecodedBody {
	const contentType = responseHeader(response.headers, 'content-type') ?? '';
	const text = (): string => response.body.toString('utf8');
	const binary = (): DecodedBody => ({
		kind: 'binary',
		value: { data: response.body, mimeType: contentType.split(';')[0].trim() || 'application/octet-stream', fileName: fileNameFrom(response) },
	});
	switch (format) {
		case 'binary':
			return binary();
		case 'text':
			return { kind: 'text', value: text() };
		case 'json': {
			const body = text();
			if (body.trim() === '') return { kind: 'json', value: {} };
			try {
				return { kind: 'json', value: JSON.parse(body) };
			} catch {
				throw new ApiResponseError(`The response of ${displayUrl(response.url)} is not valid JSON`, {
					status: response.status,
					url: displayUrl(response.url),
					fix: 'Set Response Format to Text or Autodetect, or check the URL.',
					body: body.slice(0, BODY_SNIPPET),
				});
			}
		}
		case 'autodetect': {
			if (response.body.length === 0) return { kind: 'text', value: '' };
			if (JSON_TYPE.test(contentType)) {
				try {
					return { kind: 'json', value: JSON.parse(text()) };
				} catch {
					return { kind: 'text', value: text() };
				}
			}
			if (TEXT_TYPE.test(contentType) || contentType === '') return { kind: 'text', value: text() };
			return binary();
		}
	}
}

/** Throws the API's failure with a diagnosis, unless the user asked to get every response as data. */
export function assertAccepted(response: HttpResponse, options: ResponseOptions, method: MethodLabel): void {
	if (options.neverError || isSuccess(response.status)) return;
	const diagnosis: Diagnosis = diagnoseStatus(response.status, method) ?? {
		summary: `the API answered ${response.status} ${response.statusText}`.trim(),
		fix: 'Check the request parameters against the API documentation.',
	};
	throw new ApiResponseError(`${displayUrl(response.url)}: ${diagnosis.summary}`, {
		status: response.status,
		url: displayUrl(response.url),
		fix: diagnosis.fix,
		body: response.body.subarray(0, BODY_SNIPPET * 4).toString('utf8').slice(0, BODY_SNIPPET),
	});
}

/** JSON results → output items: one per array element (non-objects wrapped as `{ data }`). */
export function asItems(value: unknown): Array<Record<string, unknown>> {
	if (Array.isArray(value)) return value.map((entry) => (entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? entry : { data: entry }));
	if (value !== null && typeof value === 'object') return [value as Record<string, unknown>];
	return [{ data: value }];
}

/** A response whose body is decoded already → output items (and the file, for a binary body). */
export function shapeDecoded(response: HttpResponse, decoded: DecodedBody, options: ResponseOptions): ShapedResponse {
	const binary = decoded.kind === 'binary' ? decoded.value : undefined;
	if (options.fullResponse) {
		return {
			items: [
				{
					statusCode: response.status,
					statusMessage: response.statusText,
					headers: response.headers,
					body: decoded.kind === 'binary' ? null : decoded.value,
				},
			],
			binary,
		};
	}
	if (decoded.kind === 'binary') return { items: [{}], binary };
	if (decoded.kind === 'text') return { items: [{ data: decoded.value }] };
	return { items: asItems(decoded.value) };
}

export function shapeResponse(response: HttpResponse, options: ResponseOptions): ShapedResponse {
	return shapeDecoded(response, decodeBody(response, options.format), options);
}
