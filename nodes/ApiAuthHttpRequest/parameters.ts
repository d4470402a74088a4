/** Node parameters of one item → the plain specs the core takes. All n8n parameter names live here. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { BodySpec, MultipartField, MultipartFile, QueryScalar } from '../../lib/request/body';
import type { ArrayFormat, RequestSpec } from '../../lib/request/build';
import type { ResponseOptions } from '../../lib/response/shape';
import { ConfigError } from '../../lib/errors';
import { DEFAULTS } from './description/options';

interface NameValue {
	name?: string;
	value?: unknown;
}

function pairs(ctx: IExecuteFunctions, parameter: string, itemIndex: number): NameValue[] {
	const collection = ctx.getNodeParameter(parameter, itemIndex, {}) as { parameters?: NameValue[] };
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

async function readBody(ctx: IExecuteFunctions, itemIndex: number): Promise<BodySpec | undefined> {
	if (!ctx.getNodeParameter('sendBody', itemIndex, false)) return undefined;
	const contentType = ctx.getNodeParameter('contentType', itemIndex, 'json') as string;
	switch (contentType) {
		case 'json': {
			if (ctx.getNodeParameter('specifyBody', itemIndex, 'json') === 'json') {
				return { type: 'json', value: parseJsonBody(ctx.getNodeParameter('jsonBody', itemIndex, '{}')) };
			}
			return { type: 'json', value: Object.fromEntries(pairs(ctx, 'bodyParameters', itemIndex).map((p) => [p.name, p.value])) };
		}
		case 'form':
			return { type: 'form', fields: pairs(ctx, 'bodyParameters', itemIndex).map((p) => [p.name as string, String(p.value ?? '')]) };
		case 'multipart': {
			const collection = ctx.getNodeParameter('multipartParameters', itemIndex, {}) as {
				parameters?: Array<NameValue & { parameterType?: string; inputDataFieldName?: string }>;
			};
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
				contentType: ctx.getNodeParameter('rawContentType', itemIndex, 'text/plain') as string,
				data: String(ctx.getNodeParameter('rawBody', itemIndex, '')),
			};
		case 'binary': {
			const property = ctx.getNodeParameter('inputDataFieldName', itemIndex, 'data') as string;
			const meta = ctx.helpers.assertBinaryData(itemIndex, property);
			const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
			return { type: 'binary', contentType: meta.mimeType || 'application/octet-stream', data };
		}
		default:
			throw new ConfigError('Body Content Type', `"${contentType}" is not supported`, 'Choose one of the listed content types.');
	}
}

export interface NodeOptions extends ResponseOptions {
	timeoutMs: number;
	followRedirects: boolean;
	maxRedirects: number;
	arrayFormat: ArrayFormat;
	concurrency: number;
	authTrace: boolean;
	outputBinaryField: string;
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): NodeOptions {
	const o = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		format: (o.responseFormat as ResponseOptions['format']) ?? 'autodetect',
		fullResponse: o.fullResponse === true,
		neverError: o.neverError === true,
		timeoutMs: Number(o.timeout ?? DEFAULTS.timeoutMs),
		followRedirects: o.followRedirects !== false,
		maxRedirects: Number(o.maxRedirects ?? DEFAULTS.maxRedirects),
		arrayFormat: (o.queryArrayFormat as ArrayFormat) ?? 'repeat',
		concurrency: Math.max(1, Number(o.concurrency ?? DEFAULTS.concurrency)),
		authTrace: o.authTrace === true,
		outputBinaryField: (o.outputBinaryField as string) || 'data',
	};
}

export async function readRequestSpec(ctx: IExecuteFunctions, itemIndex: number, arrayFormat: ArrayFormat): Promise<RequestSpec> {
	const query = ctx.getNodeParameter('sendQuery', itemIndex, false)
		? pairs(ctx, 'queryParameters', itemIndex).map((p): [string, QueryScalar | QueryScalar[]] => [p.name as string, p.value as QueryScalar | QueryScalar[]])
		: [];
	const headers = ctx.getNodeParameter('sendHeaders', itemIndex, false)
		? pairs(ctx, 'headerParameters', itemIndex).map((p): [string, string] => [p.name as string, String(p.value ?? '')])
		: [];
	return {
		method: ctx.getNodeParameter('method', itemIndex, 'GET') as string,
		url: String(ctx.getNodeParameter('url', itemIndex, '')),
		query,
		arrayFormat,
		headers,
		body: await readBody(ctx, itemIndex),
	};
}
