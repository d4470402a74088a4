/**
 * Property blocks of the Token Request credential: one request (login or refresh) with its body
 * and headers as templates, and the answer's reading. Read by lib/tokenRequest/settings.ts.
 */
import type { INodeProperties, NodeParameterValue } from 'n8n-workflow';

export const PLACEHOLDER_HINT = 'Placeholders: {{username}}, {{password}}, {{clientId}}, {{clientSecret}}, {{apiKey}}';

/** URL, method, body type, body, headers and authentication of the login or the refresh request. */
export function requestProperties(prefix: 'login' | 'refresh', label: 'Login' | 'Refresh', show: Record<string, NodeParameterValue[]> = {}): INodeProperties[] {
	const when = (more: Record<string, NodeParameterValue[]> = {}) => (Object.keys({ ...show, ...more }).length ? { displayOptions: { show: { ...show, ...more } } } : {});
	const placeholders = prefix === 'refresh' ? `${PLACEHOLDER_HINT}, {{refreshToken}}` : PLACEHOLDER_HINT;
	return [
		{
			displayName: `${label} URL`,
			name: `${prefix}Url`,
			type: 'string',
			default: '',
			required: true,
			placeholder: `https://api.example.com/auth/${prefix}`,
			description: `Where the ${prefix} request goes. May be a reference ($env:NAME or $file:NAME).`,
			...when(),
		},
		{
			displayName: `${label} Method`,
			name: `${prefix}Method`,
			type: 'options',
			options: [
				{ name: 'POST', value: 'POST' },
				{ name: 'GET', value: 'GET' },
			],
			default: 'POST',
			...when(),
		},
		{
			displayName: `${label} Body Type`,
			name: `${prefix}BodyType`,
			type: 'options',
			options: [
				{ name: 'JSON', value: 'json' },
				{ name: 'Form (URL-Encoded)', value: 'form' },
				{ name: 'None', value: 'none' },
			],
			default: 'json',
			...when({ [`${prefix}Method`]: ['POST'] }),
		},
		{
			displayName: `${label} Body`,
			name: `${prefix}Body`,
			type: 'string',
			typeOptions: { rows: 4 },
			default: prefix === 'login' ? '{"username": "{{username}}", "password": "{{password}}"}' : '{"refreshToken": "{{refreshToken}}"}',
			description: `JSON: placeholders inside strings, each value JSON-escaped. Form: name=value pairs joined by & (or a JSON object of fields), each value form-encoded. ${placeholders}.`,
			...when({ [`${prefix}Method`]: ['POST'], [`${prefix}BodyType`]: ['json', 'form'] }),
		},
		{
			displayName: `${label} Headers`,
			name: `${prefix}Headers`,
			type: 'string',
			default: '',
			placeholder: '{"X-API-Key": "{{apiKey}}"}',
			description: `Optional. More headers of the ${prefix} request as a JSON object. ${placeholders}.`,
			...when(),
		},
		{
			displayName: `${label} Authentication`,
			name: `${prefix}Authentication`,
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'Basic (Username and Password)', value: 'basic' },
				{ name: 'API Key Header', value: 'apiKey', description: 'The API Key in the API Key Header' },
			],
			default: 'none',
			description: `How the ${prefix} request itself authenticates, besides what its body carries`,
			...when(),
		},
	];
}

export const answerProperties: INodeProperties[] = [
	{
		displayName: 'Token From',
		name: 'tokenFrom',
		type: 'options',
		options: [
			{ name: 'JSON Answer (at Token Path)', value: 'json' },
			{ name: 'Whole Answer (Plain Text)', value: 'text', description: 'The answer body is the token itself, e.g. a JWT' },
			{ name: 'Response Header', value: 'header', description: 'E.g. X-Auth-Token' },
			{ name: 'Set-Cookie Cookie', value: 'cookie', description: 'A session cookie' },
		],
		default: 'json',
	},
	{
		displayName: 'Token Path',
		name: 'tokenPath',
		type: 'string',
		default: 'token',
		placeholder: 'data.token or result[0].access',
		description: 'Where the answer holds the token: dots for fields, [n] for list entries',
		displayOptions: { show: { tokenFrom: ['json'] } },
	},
	{
		displayName: 'Token Header',
		name: 'tokenHeader',
		type: 'string',
		default: 'X-Auth-Token',
		displayOptions: { show: { tokenFrom: ['header'] } },
	},
	{
		displayName: 'Token Cookie',
		name: 'tokenCookie',
		type: 'string',
		default: 'session',
		description: 'Name of the cookie the login sets',
		displayOptions: { show: { tokenFrom: ['cookie'] } },
	},
	{
		displayName: 'Refresh Token Path',
		name: 'refreshTokenPath',
		type: 'string',
		default: '',
		placeholder: 'data.refreshToken',
		description: 'Optional. Where the answer holds a refresh token; needed for the refresh request.',
	},
	{
		displayName: 'Expiry',
		name: 'expiry',
		type: 'options',
		options: [
			{ name: 'JWT Exp Claim, Else Fixed Lifetime', value: 'jwtOrFixed', description: 'A session cookie\'s Max-Age / Expires counts too' },
			{ name: 'Seconds to Live (at Expiry Path)', value: 'secondsToLive', description: 'E.g. "expiresIn": 3600' },
			{ name: 'Absolute Time, Detected (at Expiry Path)', value: 'absolute', description: 'ISO 8601, epoch seconds or epoch milliseconds' },
			{ name: 'ISO 8601 Time (at Expiry Path)', value: 'iso' },
			{ name: 'Epoch Seconds (at Expiry Path)', value: 'epochSeconds' },
			{ name: 'Epoch Milliseconds (at Expiry Path)', value: 'epochMilliseconds' },
			{ name: 'Fixed Lifetime', value: 'fixed' },
		],
		default: 'jwtOrFixed',
	},
	{
		displayName: 'Expiry Path',
		name: 'expiryPath',
		type: 'string',
		default: '',
		placeholder: 'data.expiresAt',
		displayOptions: { show: { expiry: ['secondsToLive', 'absolute', 'iso', 'epochSeconds', 'epochMilliseconds'] } },
	},
	{
		displayName: 'Token Lifetime (Minutes)',
		name: 'lifetimeMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description: 'The lifetime of a token whose answer says nothing about its expiry',
		displayOptions: { show: { expiry: ['jwtOrFixed', 'fixed'] } },
	},
];

export const sendTokenProperties: INodeProperties[] = [
	{
		displayName: 'Send Token In',
		name: 'sendTokenIn',
		type: 'options',
		options: [
			{ name: 'Authorization Header', value: 'header', description: 'Authorization: <prefix> <token>' },
			{ name: 'Custom Header', value: 'customHeader', description: 'E.g. X-Auth-Token: <token>' },
			{ name: 'Query Parameter', value: 'query', description: 'The URL may end up in logs' },
			{ name: 'Cookie', value: 'cookie' },
		],
		default: 'header',
	},
	{
		displayName: 'Header Prefix',
		name: 'headerPrefix',
		type: 'string',
		default: 'Bearer',
		displayOptions: { show: { sendTokenIn: ['header'] } },
	},
	{
		displayName: 'Header Name',
		name: 'sendHeaderName',
		type: 'string',
		default: 'X-Auth-Token',
		displayOptions: { show: { sendTokenIn: ['customHeader'] } },
	},
	{
		displayName: 'Query Parameter Name',
		name: 'sendQueryName',
		type: 'string',
		default: 'access_token',
		displayOptions: { show: { sendTokenIn: ['query'] } },
	},
	{
		displayName: 'Cookie Name',
		name: 'sendCookieName',
		type: 'string',
		default: '',
		placeholder: 'session',
		description: 'Empty: the Token Cookie\'s name when the token comes from a cookie',
		displayOptions: { show: { sendTokenIn: ['cookie'] } },
	},
];
