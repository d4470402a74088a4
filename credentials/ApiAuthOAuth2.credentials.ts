import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { credentialIcon } from './shared/icon';
import {
	accessTokenUrlProperty,
	clientAuthenticationWithKeysProperty,
	clientIdProperty,
	clientSecretProperty,
	jwtBearerProperties,
	signingKeyProperties,
	tokenRequestProperties,
	tokenUseProperties,
} from './shared/oauth2Properties';
import { connectionProperties, DOCS_URL, secretDescription, secretReferenceNotice } from './shared/properties';

/**
 * OAuth2 with the token lifecycle run by this package: client credentials, password, or an
 * authorization-code grant whose refresh token is pasted. Deliberately not an extension of n8n's
 * oAuth2Api: n8n replaces the Test of such types with a check for a stored token, and this type
 * has a real test. For n8n's Connect button, see ApiAuthOAuth2Connect.
 */
export class ApiAuthOAuth2 implements ICredentialType {
	name = 'apiAuthOAuth2';

	displayName = 'Authenticated HTTP: OAuth 2.0';

	documentationUrl = `${DOCS_URL}#oauth2`;

	icon = credentialIcon;

	properties: INodeProperties[] = [
		secretReferenceNotice,
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{ name: 'Client Credentials', value: 'clientCredentials', description: 'Machine-to-machine: the client authenticates as itself' },
				{ name: 'Password', value: 'password', description: 'Resource owner password: a user name and password are exchanged for a token' },
				{
					name: 'Authorization Code (Refresh Token)',
					value: 'authorizationCode',
					description: 'A user authorized the client once; paste the refresh token you obtained. For a Connect button, use the "Authenticated HTTP: OAuth 2.0 Connect" credential.',
				},
				{
					name: 'JWT Bearer (Service Account)',
					value: 'jwtBearer',
					description: 'A signed assertion is exchanged for a token (RFC 7523): Google service accounts, Salesforce JWT bearer flow',
				},
			],
			default: 'clientCredentials',
		},
		accessTokenUrlProperty,
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			default: '',
			placeholder: 'https://auth.example.com/oauth/authorize',
			description: 'The authorization endpoint; used by the n8n-connect-account helper that obtains a refresh token with PKCE (see the documentation)',
			displayOptions: { show: { grantType: ['authorizationCode'] } },
		},
		clientIdProperty,
		clientSecretProperty,
		{ ...clientAuthenticationWithKeysProperty, displayOptions: { hide: { grantType: ['jwtBearer'] } } },
		...signingKeyProperties,
		...jwtBearerProperties,
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'read:orders write:orders',
			description: 'Scopes to request, separated by spaces or commas',
		},
		...tokenRequestProperties,
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: secretDescription('Password of the user.'),
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: secretDescription(
				'The refresh token from the authorization. Pasting a new one replaces the token state this package keeps (and clears a "reconnect" state).',
			),
			displayOptions: { show: { grantType: ['authorizationCode'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: secretDescription('Optional: a current access token, used until it expires (or is rejected) before the first refresh.'),
			displayOptions: { show: { grantType: ['authorizationCode'] } },
		},
		...tokenUseProperties,
		...connectionProperties,
	];
}
