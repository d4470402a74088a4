/**
 * When the API means "token expired": shared by every token-based credential type, read by
 * lib/auth/expiredSignal.ts. A match renews the token once and sends the request once more.
 */
import type { INodeProperties } from 'n8n-workflow';

export const tokenExpiredProperties: INodeProperties[] = [
	{
		displayName: 'Token Expired Status Codes',
		name: 'expiredStatusCodes',
		type: 'string',
		default: '401',
		description: 'API answers that mean "token expired": the token is renewed once and the request sent once more. Separate several with commas, e.g. 401, 403, 419.',
	},
	{
		displayName: 'Token Expired Body Path',
		name: 'expiredBodyPath',
		type: 'string',
		default: '',
		placeholder: 'errors[0].code',
		description: 'For APIs that say "token expired" in the response body (often with HTTP 200): the JSON path of the code, e.g. errors[0].code (Marketo) or errcode. Leave empty to go by status only.',
	},
	{
		displayName: 'Token Expired Body Values',
		name: 'expiredBodyValues',
		type: 'string',
		default: '',
		placeholder: '601, 602',
		description: 'The values at that path that mean "token expired", separated by commas, e.g. 601, 602 or 40001, 42001',
		displayOptions: { hide: { expiredBodyPath: [''] } },
	},
];
