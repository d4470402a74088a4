/** Node parameters of one item → the plain specs the core takes. All n8n parameter names live here. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { ConfigError } from '../../lib/errors';
import { type NextPage, PAGINATION_FIELD, type PaginationSpec } from '../../lib/pagination/next';
import type { BodySpec, MultipartField, MultipartFile, QueryScalar } from '../../lib/request/body';
import { type ArrayFormat, REQUEST_FIELDS, type RequestSpec } from '../../lib/request/build';
import type { PerformOptions } from '../../lib/request/perform';
import type { ResponseOptions } from '../../lib/response/shape';
import type { RetryPolicy } from '../../lib/transport/retry';
import type { ProxyInput } from '../../lib/transport/proxy';
import { DEFAULTS } from './description/options';
import { PAGINATION_DEFAULTS } from './description/pagination';
import type { ItemParameters } from './itemParameters';

interface NameValue {
	name?: string;
	value?: unknown;
}

function pairs(params: ItemParameters, parameter: string, itemIndex: number): NameValue[] {
	const collection = params.get<{ parameters?: NameValue[] }>(parameter, itemIndex, {});
	return (collection.parameters ?? []).filter((p) => p.name);
}

function parseJsonBody(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new ConfigError('JSON', `is not valid JSON (${(error as Error).message})`, 'Fix the JSON body, or build it with an expression that returns an object.');
	}
}

async function readBody(ctx: IExecuteFunctions, params: ItemParameters, itemIndex: number): Promise<BodySpec | undefined> {
	if (!params.get<boolean>('sendBody', itemIndex, false)) return undefined;
	const contentType = params.get<string>('contentType', itemIndex, 'json');
	switch (contentType) {
		case 'json': {
			if (params.get<string>('specifyBody', itemIndex, 'json') === 'json') {
				return { type: 'json', value: parseJsonBody(params.get<unknown>('jsonBody', itemIndex, '{}')) };
			}
			return { type: 'json', value: Object.fromEntries(pairs(params, 'bodyParameters', itemIndex).map((p) => [p.name, p.value])) };
		}
		case 'form':
			return { type: 'form', fields: pairs(params, 'bodyParameters', itemIndex).map((p) => [p.name as string, String(p.value ?? '')]) };
		case 'multipart': {
			const collection = params.get<{ parameters?: Array<NameValue & { parameterType?: string; inputDataFieldName?: string }> }>('multipartParameters', itemIndex, {});
			const parts: Array<MultipartField | MultipartFile> = [];
			for (const field of (collection.parameters ?? []).filter((p) => p.name)) {
				if (field.parameterType === 'binary') {
					const property = field.inputDataFieldName || 'data';
					const meta = ctx.helpers.assertBinaryData(itemIndex, property);
					const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
					parts.push({ name: field.name as string, data, fileName: meta.fileName ?? field.name as string, contentType: meta.mimeType });
				} else {
					parts.push({ name: field.name as string, value: String(field.value ?? '') });
				}
			}
			return { type: 'multipart', parts };
		}
		case 'raw':
			return {
				type: 'raw',
				contentType: params.get<string>('rawContentType', itemIndex, 'text/plain'),
				data: String(params.get<unknown>('rawBody', itemIndex, '')),
			};
		case 'binary': {
			const property = params.get<string>('inputDataFieldName', itemIndex, 'data');
			const meta = ctx.helpers.assertBinaryData(itemIndex, property);
			const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
			return { type: 'binary', contentType: meta.mimeType || 'application/octet-stream', data };
		}
		default:
			throw new ConfigError('Body Content Type', `"${contentType}" is not supported`, 'Choose one of the listed content types.');
	}
}

/** Options that shape one item's request and output: read per item when they hold expressions. */
export interface ItemOptions extends PerformOptions {
	arrayFormat: ArrayFormat;
	authTrace: boolean;
	outputBinaryField: string;
}

/** Options that shape the whole run (one agent set, one limit): read once, from the first item. */
export interface RunOptions {
	concurrency: number;
	proxy: ProxyInput;
}

/** A number option: the fallback when unset, a ConfigError naming the option when out of range. */
function numberOption(value: unknown, field: string, fallback: number, min: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n < min) throw new ConfigError(field, `"${String(value)}" is not a number of at least ${min}`, `Enter a number of at least ${min}.`);
	return n;
}

function readRetry(o: IDataObject): RetryPolicy {
	const r = ((o.retry as IDataObject | undefined)?.settings ?? {}) as IDataObject;
	return {
		maxAttempts: Math.floor(numberOption(r.maxAttempts, 'Maximum Attempts', DEFAULTS.retryMaxAttempts, 1)),
		baseDelayMs: numberOption(r.firstWaitMs, 'First Wait (Ms)', DEFAULTS.retryFirstWaitMs, 0),
		maxWaitMs: numberOption(r.maxWaitSeconds, 'Maximum Wait (Seconds)', DEFAULTS.retryMaxWaitSeconds, 0) * 1000,
	};
}

function requiredText(value: unknown, field: string, fix: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) throw new ConfigError(field, 'is empty', fix);
	return text;
}

function readNextPage(p: IDataObject): NextPage {
	switch (p.mode ?? 'urlField') {
		case 'urlField':
			return { kind: 'urlField', path: requiredText(p.nextUrlField, 'Next URL Field', 'Enter the dot path of the field holding the next page\'s URL, e.g. links.next.') };
		case 'linkHeader':
			return { kind: 'linkHeader' };
		case 'cursor':
			return {
				kind: 'cursor',
				path: requiredText(p.cursorField, 'Cursor Field', 'Enter the dot path of the field holding the next cursor, e.g. meta.next_cursor.'),
				parameter: requiredText(p.cursorParameter, 'Cursor Parameter', 'Enter the query parameter the API reads the cursor from.'),
			};
		case 'counter':
			return {
				kind: 'counter',
				parameter: requiredText(p.pageParameter, 'Page Parameter', 'Enter the query parameter that counts pages or offsets, e.g. page.'),
				first: numberOption(p.firstValue, 'First Value', PAGINATION_DEFAULTS.firstValue, Number.MIN_SAFE_INTEGER),
				step: numberOption(p.increment, 'Increment', PAGINATION_DEFAULTS.increment, 1),
			};
		default:
			throw new ConfigError('Next Page From', `"${String(p.mode)}" is not supported`, 'Choose one of the listed ways to find the next page.');
	}
}

function readPagination(o: IDataObject, response: ResponseOptions): PaginationSpec | undefined {
	const p = (o.pagination as IDataObject | undefined)?.pagination as IDataObject | undefined;
	if (!p) return undefined;
	const output = p.output === 'pages' ? 'pages' : 'merged';
	if (output === 'merged' && (response.format === 'binary' || response.fullResponse)) {
		throw new ConfigError(
			PAGINATION_FIELD,
			'Merged Results cannot be combined with a file response or Include Full Response',
			'Set Output to One Output per Page, or turn those options off.',
		);
	}
	return {
		next: readNextPage(p),
		resultsPath: typeof p.resultsField === 'string' ? p.resultsField.trim() : '',
		stopWhenEmpty: p.stopWhenEmpty !== false,
		maxPages: Math.floor(numberOption(p.maxPages, 'Maximum Pages', PAGINATION_DEFAULTS.maxPages, 1)),
		output,
	};
}

function optionsOf(params: ItemParameters, itemIndex: number): IDataObject {
	return params.get<IDataObject>('options', itemIndex, {});
}

export function readRunOptions(params: ItemParameters): RunOptions {
	const o = optionsOf(params, 0);
	return {
		concurrency: Math.floor(numberOption(o.concurrency, 'Items in Flight', DEFAULTS.concurrency, 1)),
		proxy: { url: o.proxy as string | undefined, bypass: o.noProxy as string | undefined },
	};
}

export function readItemOptions(params: ItemParameters, itemIndex: number): ItemOptions {
	const o = optionsOf(params, itemIndex);
	const response: ResponseOptions = {
		format: (o.responseFormat as ResponseOptions['format']) ?? 'autodetect',
		fullResponse: o.fullResponse === true,
		neverError: o.neverError === true,
	};
	return {
		...response,
		exchange: {
			timeoutMs: numberOption(o.timeout, 'Timeout (Ms)', DEFAULTS.timeoutMs, 1),
			followRedirects: o.followRedirects !== false,
			maxRedirects: numberOption(o.maxRedirects, 'Maximum Redirects', DEFAULTS.maxRedirects, 0),
			urlField: REQUEST_FIELDS.url,
		},
		retry: readRetry(o),
		pagination: readPagination(o, response),
		arrayFormat: (o.queryArrayFormat as ArrayFormat) ?? 'repeat',
		authTrace: o.authTrace === true,
		outputBinaryField: (o.outputBinaryField as string) || 'data',
	};
}

export async function readRequestSpec(ctx: IExecuteFunctions, params: ItemParameters, itemIndex: number, arrayFormat: ArrayFormat): Promise<RequestSpec> {
	const query = params.get<boolean>('sendQuery', itemIndex, false)
		? pairs(params, 'queryParameters', itemIndex).map((p): [string, QueryScalar | QueryScalar[]] => [p.name as string, p.value as QueryScalar | QueryScalar[]])
		: [];
	const headers = params.get<boolean>('sendHeaders', itemIndex, false)
		? pairs(params, 'headerParameters', itemIndex).map((p): [string, string] => [p.name as string, String(p.value ?? '')])
		: [];
	return {
		method: params.get<string>('method', itemIndex, 'GET'),
		url: String(params.get<unknown>('url', itemIndex, '')),
		query,
		arrayFormat,
		headers,
		body: await readBody(ctx, params, itemIndex),
	};
}
