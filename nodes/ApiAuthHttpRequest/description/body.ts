import type { INodeProperties } from 'n8n-workflow';

const show = (contentType: string[], extra: Record<string, unknown[]> = {}) => ({
	show: { sendBody: [true], contentType, ...extra },
});

const bodyParametersFor = (displayOptions: INodeProperties['displayOptions']): INodeProperties => ({
	displayName: 'Body Parameters',
	name: 'bodyParameters',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Parameter',
	default: { parameters: [{ name: '', value: '' }] },
	displayOptions,
	options: [
		{
			name: 'parameters',
			displayName: 'Parameter',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
});

export const bodyProperties: INodeProperties[] = [
	{
		displayName: 'Send Body',
		name: 'sendBody',
		type: 'boolean',
		default: false,
		noDataExpression: true,
	},
	{
		displayName: 'Body Content Type',
		name: 'contentType',
		type: 'options',
		displayOptions: { show: { sendBody: [true] } },
		options: [
			{ name: 'JSON', value: 'json' },
			{ name: 'Form URL-Encoded', value: 'form' },
			{ name: 'Multipart Form Data', value: 'multipart' },
			{ name: 'Raw', value: 'raw' },
			{ name: 'Binary File', value: 'binary', description: 'The binary data of the input item' },
		],
		default: 'json',
	},
	{
		displayName: 'Specify Body',
		name: 'specifyBody',
		type: 'options',
		displayOptions: show(['json']),
		options: [
			{ name: 'Using Fields Below', value: 'keypair' },
			{ name: 'Using JSON', value: 'json' },
		],
		default: 'json',
	},
	{
		displayName: 'JSON',
		name: 'jsonBody',
		type: 'json',
		default: '{}',
		displayOptions: show(['json'], { specifyBody: ['json'] }),
		description: 'The JSON body; an expression may return an object or a JSON string',
	},
	// Two declarations of one parameter: JSON shows it only for "Using Fields Below", form always.
	// (A hide rule on specifyBody would hide it for forms too, where specifyBody keeps its default.)
	bodyParametersFor(show(['json'], { specifyBody: ['keypair'] })),
	bodyParametersFor(show(['form'])),
	{
		displayName: 'Multipart Fields',
		name: 'multipartParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: { parameters: [{ parameterType: 'formData', name: '', value: '' }] },
		displayOptions: show(['multipart']),
		options: [
			{
				name: 'parameters',
				displayName: 'Field',
				values: [
					{
						displayName: 'Field Type',
						name: 'parameterType',
						type: 'options',
						options: [
							{ name: 'Text', value: 'formData' },
							{ name: 'n8n Binary File', value: 'binary' },
						],
						default: 'formData',
					},
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', displayOptions: { show: { parameterType: ['formData'] } } },
					{
						displayName: 'Input Binary Field',
						name: 'inputDataFieldName',
						type: 'string',
						default: 'data',
						description: 'Name of the binary property of the input item that holds the file',
						displayOptions: { show: { parameterType: ['binary'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Content Type',
		name: 'rawContentType',
		type: 'string',
		default: 'text/plain',
		placeholder: 'text/csv',
		displayOptions: show(['raw']),
	},
	{
		displayName: 'Body',
		name: 'rawBody',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		displayOptions: show(['raw']),
	},
	{
		displayName: 'Input Binary Field',
		name: 'inputDataFieldName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property of the input item whose file is sent as the body',
		displayOptions: show(['binary']),
	},
];
