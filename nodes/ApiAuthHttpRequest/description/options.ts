import type { INodeProperties } from 'n8n-workflow';
import { paginationOption } from './pagination';

export const DEFAULTS = {
	timeoutMs: 60_000,
	maxRedirects: 10,
	/** Enough to keep a 20 ms API at ~500 requests/s, low enough for typical per-client rate limits. */
	concurrency: 10,
	retryMaxAttempts: 3,
	retryFirstWaitMs: 1_000,
	retryMaxWaitSeconds: 60,
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
			displayName: 'Retries',
			name: 'retry',
			type: 'fixedCollection',
			placeholder: 'Set Retries',
			default: {},
			description:
				'On 429, 5xx and network errors: waits as Retry-After asks, or backs off exponentially with jitter. POST and PATCH are retried only on 429, 503 and connection failures before sending. Default: 3 attempts.',
			options: [
				{
					name: 'settings',
					displayName: 'Retries',
					values: [
						{
							displayName: 'Maximum Attempts',
							name: 'maxAttempts',
							type: 'number',
							typeOptions: { minValue: 1, maxValue: 20 },
							default: DEFAULTS.retryMaxAttempts,
							description: 'Attempts in all, the first included. 1 turns retries off.',
						},
						{
							displayName: 'First Wait (Ms)',
							name: 'firstWaitMs',
							type: 'number',
							typeOptions: { minValue: 0 },
							default: DEFAULTS.retryFirstWaitMs,
							description: 'Back-off before the first retry, doubled for each further one (with jitter), when the server sends no Retry-After',
						},
						{
							displayName: 'Maximum Wait (Seconds)',
							name: 'maxWaitSeconds',
							type: 'number',
							typeOptions: { minValue: 0 },
							default: DEFAULTS.retryMaxWaitSeconds,
							description: 'Longest wait before one retry. When Retry-After asks for longer, the node stops retrying and reports the answer.',
						},
					],
				},
			],
		},
		paginationOption,
		{
			displayName: 'Proxy',
			name: 'proxy',
			type: 'string',
			default: '',
			placeholder: 'http://user:password@proxy.example.com:3128',
			description:
				'HTTP proxy for API and token requests; https:// requests go through it in a CONNECT tunnel. Empty: HTTPS_PROXY / HTTP_PROXY of the n8n host, if set. $env:NAME or $file:NAME keeps a proxy password out of the workflow.',
		},
		{
			displayName: 'Bypass Proxy For',
			name: 'noProxy',
			type: 'string',
			default: '',
			placeholder: 'localhost, .internal.example.com, 10.0.0.0/8',
			description: 'Hosts reached without the proxy, separated by commas (* for all). Empty: NO_PROXY of the n8n host, if set.',
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
