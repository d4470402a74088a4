import type { INodeProperties } from 'n8n-workflow';

const nameValue = (placeholderName: string): INodeProperties[] => [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: placeholderName },
	{ displayName: 'Value', name: 'value', type: 'string', default: '' },
];

export const requestProperties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => ({ name: m, value: m })),
		default: 'GET',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://api.example.com/v1/orders or /orders',
		description: 'A full URL, or a path relative to the base URL of the credential',
	},
	{
		displayName: 'Send Query Parameters',
		name: 'sendQuery',
		type: 'boolean',
		default: false,
		noDataExpression: true,
	},
	{
		displayName: 'Query Parameters',
		name: 'queryParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		default: { parameters: [{ name: '', value: '' }] },
		displayOptions: { show: { sendQuery: [true] } },
		options: [{ name: 'parameters', displayName: 'Parameter', values: nameValue('limit') }],
		description: 'A value that is an array (from an expression) is sent in the Array Format of the options',
	},
	{
		displayName: 'Send Headers',
		name: 'sendHeaders',
		type: 'boolean',
		default: false,
		noDataExpression: true,
	},
	{
		displayName: 'Headers',
		name: 'headerParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Header',
		default: { parameters: [{ name: '', value: '' }] },
		displayOptions: { show: { sendHeaders: [true] } },
		options: [{ name: 'parameters', displayName: 'Header', values: nameValue('X-Request-Id') }],
	},
];
