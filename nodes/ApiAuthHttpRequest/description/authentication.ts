import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

/** The credential types, in the order the Authentication parameter offers them. */
export const AUTHENTICATION_OPTIONS = [
	{ name: 'Bearer Token', value: 'apiAuthBearerToken' },
	{ name: 'API Key', value: 'apiAuthApiKey' },
	{ name: 'Basic Auth', value: 'apiAuthBasic' },
	{ name: 'OAuth2', value: 'apiAuthOAuth2' },
	{ name: 'OAuth2 (Connect)', value: 'apiAuthOAuth2Connect' },
	{ name: 'Token Request (Login)', value: 'apiAuthTokenRequest' },
] as const;

export const CREDENTIAL_TEST_METHOD = 'apiAuthCredentialTest';

export const credentials: INodeCredentialDescription[] = AUTHENTICATION_OPTIONS.map(({ value }) => ({
	name: value,
	required: true,
	testedBy: CREDENTIAL_TEST_METHOD,
	displayOptions: { show: { authentication: [value] } },
}));

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: AUTHENTICATION_OPTIONS.map(({ name, value }) => ({ name, value })),
	default: 'apiAuthBearerToken',
	description: 'The credential type applied to every request of this node',
};
