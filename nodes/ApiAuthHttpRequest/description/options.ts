import type { INodeProperties } from 'n8n-workflow';

export const DEFAULTS = {
	timeoutMs: 60_000,
	maxRedirects: 10,
	concurrency: 10,
} as const;

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Response Format',
			name: 'responseFormat',
			type: 'options',
			options: [
				{ name: 'Autodetect', value: 'autodetect', description: 'From the Content-Type: JSON, text, or a file' },
				{ name: 'JSON', value: 'json' },
				{ name: 'Text', value: 'text' },
				{ name: 'File', value: 'binary', description: 'Into a binary property, with file name and MIME type from the response' },
			],
			default: 'autodetect',
		},
		{
			displayName: 'Output Binary Field',
			name: 'outputBinaryField',
			type: 'string',
			default: 'data',
			description: 'Binary property that receives a file response',
		},
		{
			displayName: 'Include Full Response',
			name: 'fullResponse',
			type: 'boolean',
			default: false,
			description: 'Whether to output status code, status message, headers and body instead of the body only',
		},
		{
			displayName: 'Never Error',
			name: 'neverError',
			type: 'boolean',
			default: false,
			description: 'Whether to output responses with any status code as data instead of failing on 4xx and 5xx',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULTS.timeoutMs,
			description: 'How long to wait for the response (and for a token, when one is being renewed)',
		},
		{
			displayName: 'Follow Redirects',
			name: 'followRedirects',
			type: 'boolean',
			default: true,
			description: 'Whether to follow 3xx redirects. Cross-origin redirects never carry the credential.',
		},
		{
			displayName: 'Maximum Redirects',
			name: 'maxRedirects',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULTS.maxRedirects,
		},
		{
			displayName: 'Array Format in Query',
			name: 'queryArrayFormat',
			type: 'options',
			options: [
				{ name: 'Repeat (a=1&a=2)', value: 'repeat' },
				{ name: 'Brackets (a[]=1&a[]=2)', value: 'brackets' },
				{ name: 'Indices (a[0]=1&a[1]=2)', value: 'indices' },
				{ name: 'Comma (a=1,2)', value: 'comma' },
			],
			default: 'repeat',
		},
		{
			displayName: 'Items in Flight',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: DEFAULTS.concurrency,
			description: 'How many items are requested at the same time. Output keeps the input order.',
		},
		{
			displayName: 'Include Auth Trace',
			name: 'authTrace',
			type: 'boolean',
			default: false,
			description: 'Whether to add "authTrace" to each output item: method, where the token came from (cache, store, fetched, refreshed), its expiry, and where each secret came from. Never a secret.',
		},
	],
};
