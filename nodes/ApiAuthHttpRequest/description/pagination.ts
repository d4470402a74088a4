import type { INodeProperties } from 'n8n-workflow';

export const PAGINATION_DEFAULTS = { maxPages: 100, firstValue: 1, increment: 1 } as const;

const showFor = (mode: string[]) => ({ show: { mode } });

/** The Pagination option: one group of settings, read by parameters.ts into a PaginationSpec. */
export const paginationOption: INodeProperties = {
	displayName: 'Pagination',
	name: 'pagination',
	type: 'fixedCollection',
	placeholder: 'Add Pagination',
	default: {},
	description: 'Fetch the following pages too. Every page carries the credential by the same rules as the first request.',
	options: [
		{
			name: 'pagination',
			displayName: 'Pagination',
			values: [
				{
					displayName: 'Next Page From',
					name: 'mode',
					type: 'options',
					options: [
						{ name: 'Next URL in a Response Field', value: 'urlField', description: 'E.g. {"links": {"next": "https://…?page=2"}}' },
						{ name: 'Link Header (Rel="next")', value: 'linkHeader', description: 'RFC 8288, as GitHub and many REST APIs send it' },
						{ name: 'Cursor in a Response Field', value: 'cursor', description: 'A cursor sent back in a query parameter' },
						{ name: 'Page or Offset Parameter', value: 'counter', description: 'A query parameter counted up: page=1, 2, 3… or offset=0, 100, 200…' },
					],
					default: 'urlField',
				},
				{
					displayName: 'Next URL Field',
					name: 'nextUrlField',
					type: 'string',
					default: '',
					placeholder: 'links.next',
					description: 'Dot path of the field with the next page\'s URL; a relative URL is resolved against the page\'s URL. Pagination stops when it is missing or empty.',
					displayOptions: showFor(['urlField']),
				},
				{
					displayName: 'Cursor Field',
					name: 'cursorField',
					type: 'string',
					default: '',
					placeholder: 'meta.next_cursor',
					description: 'Dot path of the field with the next cursor. Pagination stops when it is missing or empty.',
					displayOptions: showFor(['cursor']),
				},
				{
					displayName: 'Cursor Parameter',
					name: 'cursorParameter',
					type: 'string',
					default: 'cursor',
					description: 'Query parameter that carries the cursor in the next request',
					displayOptions: showFor(['cursor']),
				},
				{
					displayName: 'Page Parameter',
					name: 'pageParameter',
					type: 'string',
					default: 'page',
					placeholder: 'page or offset',
					description: 'Query parameter counted up from page to page',
					displayOptions: showFor(['counter']),
				},
				{
					displayName: 'First Value',
					name: 'firstValue',
					type: 'number',
					default: PAGINATION_DEFAULTS.firstValue,
					description: 'Its value on the first page: usually 1 for page numbers, 0 for offsets',
					displayOptions: showFor(['counter']),
				},
				{
					displayName: 'Increment',
					name: 'increment',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: PAGINATION_DEFAULTS.increment,
					description: '1 for page numbers; the page size (limit) for offsets',
					displayOptions: showFor(['counter']),
				},
				{
					displayName: 'Results Field',
					name: 'resultsField',
					type: 'string',
					default: '',
					placeholder: 'data',
					description: 'Dot path of the list of results in each page. Empty: the body itself, when it is a list.',
				},
				{
					displayName: 'Stop When a Page Is Empty',
					name: 'stopWhenEmpty',
					type: 'boolean',
					default: true,
					description: 'Whether to stop at a page without results (an empty list, or no body)',
				},
				{
					displayName: 'Maximum Pages',
					name: 'maxPages',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: PAGINATION_DEFAULTS.maxPages,
					description: 'Pages fetched at most per input item, the first included',
				},
				{
					displayName: 'Output',
					name: 'output',
					type: 'options',
					options: [
						{ name: 'Merged Results', value: 'merged', description: 'One item per result, from all pages' },
						{ name: 'One Output per Page', value: 'pages', description: 'Each page as a single request would give it' },
					],
					default: 'merged',
				},
			],
		},
	],
};
