/**
 * OAuth2 properties both OAuth2 credential types share: what goes into token requests besides
 * the grant, how the token is sent to the API, when it is renewed, and how to read non-standard
 * token responses. Read by lib/oauth2/settings.ts.
 */
import type { INodeProperties } from 'n8n-workflow';
import { secretDescription } from './properties';
import { tokenExpiredProperties } from './tokenExpired';

export const clientAuthenticationProperty: INodeProperties = {
	displayName: 'Client Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Send Credentials in Auth Header', value: 'header', description: 'HTTP Basic with client ID and secret (client_secret_basic)' },
		{ name: 'Send Credentials in Body', value: 'body', description: 'client_id and client_secret as form fields (client_secret_post)' },
	],
	default: 'header',
	description: 'How the client ID and secret are sent to the token endpoint. Try the other one if the provider answers invalid_client.',
};

export const tokenRequestProperties: INodeProperties[] = [
	{
		displayName: 'Audience',
		name: 'audience',
		type: 'string',
		default: '',
		description: 'Sent as "audience" in token requests, for providers that need it (e.g. Auth0).',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'string',
		default: '',
		placeholder: 'https://api.example.com/',
		description: 'Resource indicator(s) (RFC 8707), separated by spaces or commas; each is sent as a "resource" parameter.',
	},
	{
		displayName: 'Extra Token Parameters',
		name: 'extraTokenParameters',
		type: 'string',
		default: '',
		placeholder: 'tenant=acme&foo=bar  or  {"tenant": "acme"}',
		description: 'More form fields for every token request, as name=value pairs joined by & or as a JSON object.',
	},
];

export const tokenUseProperties: INodeProperties[] = [
	{
		displayName: 'Send Token In',
		name: 'tokenPlacement',
		type: 'options',
		options: [
			{ name: 'Authorization Header', value: 'header' },
			{ name: 'Query Parameter', value: 'query', description: 'For APIs that want ?access_token=…; the URL may end up in logs' },
		],
		default: 'header',
	},
	{
		displayName: 'Header Prefix',
		name: 'headerPrefix',
		type: 'string',
		default: 'Bearer',
		description: 'Sent as "Authorization: <prefix> <token>"',
		displayOptions: { show: { tokenPlacement: ['header'] } },
	},
	{
		displayName: 'Query Parameter Name',
		name: 'tokenQueryParameter',
		type: 'string',
		default: 'access_token',
		displayOptions: { show: { tokenPlacement: ['query'] } },
	},
	...tokenExpiredProperties,
	{
		displayName: 'Refresh Before Expiry (Seconds)',
		name: 'refreshMarginSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description: 'A token is renewed when fewer seconds than this remain …',
	},
	{
		displayName: 'Refresh Window (% of Lifetime)',
		name: 'refreshWindowPercent',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 90 },
		default: 10,
		description: '… but never earlier than this share of the token\'s lifetime before expiry, so short-lived tokens are still used most of their life.',
	},
	{
		displayName: 'Clock Skew Allowance (Seconds)',
		name: 'clockSkewSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 2,
		description: 'A token is no longer sent this many seconds before it expires, in case the provider\'s clock runs ahead of this machine\'s (at most a fifth of the token\'s lifetime)',
	},
	{
		displayName: 'Default Token Lifetime (Minutes)',
		name: 'defaultLifetimeMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'Used when the token response has no expires_in / expires_at and the token is not a JWT with an exp claim.',
	},
	{
		displayName: 'Retry Refresh After Unknown Outcome',
		name: 'retryRefreshOnUnknownOutcome',
		type: 'boolean',
		default: false,
		description:
			'Whether to send the same refresh request again when the first timed out after it was sent. Leave off for providers that rotate refresh tokens: a repeated refresh token revokes the grant there.',
	},
	{
		displayName: 'Custom Token Response Fields',
		name: 'customTokenResponse',
		type: 'boolean',
		default: false,
		description: 'Whether the token endpoint answers with non-standard field names, e.g. {"data": {"token": …}}',
	},
	{
		displayName: 'Access Token Field',
		name: 'accessTokenField',
		type: 'string',
		default: 'access_token',
		description: 'Dot path of the access token in the token response, e.g. data.token',
		displayOptions: { show: { customTokenResponse: [true] } },
	},
	{
		displayName: 'Refresh Token Field',
		name: 'refreshTokenField',
		type: 'string',
		default: 'refresh_token',
		displayOptions: { show: { customTokenResponse: [true] } },
	},
	{
		displayName: 'Expires In Field',
		name: 'expiresInField',
		type: 'string',
		default: 'expires_in',
		description: 'Dot path of the lifetime in seconds',
		displayOptions: { show: { customTokenResponse: [true] } },
	},
	{
		displayName: 'Expires At Field',
		name: 'expiresAtField',
		type: 'string',
		default: 'expires_at',
		description: 'Dot path of the expiry as a Unix time (seconds or milliseconds) or an ISO date',
		displayOptions: { show: { customTokenResponse: [true] } },
	},
	{
		displayName: 'Token Type Field',
		name: 'tokenTypeField',
		type: 'string',
		default: 'token_type',
		displayOptions: { show: { customTokenResponse: [true] } },
	},
];

export const accessTokenUrlProperty: INodeProperties = {
	displayName: 'Access Token URL',
	name: 'accessTokenUrl',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'https://auth.example.com/oauth/token',
	description: 'The token endpoint of the provider',
};

export const clientIdProperty: INodeProperties = {
	displayName: 'Client ID',
	name: 'clientId',
	type: 'string',
	default: '',
	required: true,
};

export const clientSecretProperty: INodeProperties = {
	displayName: 'Client Secret',
	name: 'clientSecret',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	description: secretDescription('Secret of the OAuth2 client. May be empty for public clients.'),
};
