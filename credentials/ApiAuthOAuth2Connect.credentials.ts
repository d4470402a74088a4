import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { credentialIcon } from './shared/icon';
import {
	accessTokenUrlProperty,
	clientAuthenticationProperty,
	clientIdProperty,
	clientSecretProperty,
	tokenRequestProperties,
	tokenUseProperties,
} from './shared/oauth2Properties';
import { connectConnectionProperties, DOCS_URL } from './shared/properties';

/**
 * OAuth2 authorization code through n8n's Connect button: it extends n8n's oAuth2Api, so the
 * editor shows Connect, n8n runs the redirect (with PKCE S256 when "Use PKCE" is on) and stores
 * the tokens in the credential. From then on this package renews them (before expiry, once per
 * expiry across workers) and keeps the newest tokens in its own encrypted token store.
 * Field names follow oAuth2Api, since n8n's callback reads them.
 */
export class ApiAuthOAuth2Connect implements ICredentialType {
	name = 'apiAuthOAuth2Connect';

	extends = ['oAuth2Api'];

	displayName = 'Authenticated HTTP: OAuth 2.0 Connect';

	documentationUrl = `${DOCS_URL}#oauth2-connect`;

	icon = credentialIcon;

	properties: INodeProperties[] = [
		{
			displayName:
				'Press Connect after filling in the fields: n8n opens the provider\'s login and stores the tokens. The client secret must be stored here (n8n\'s callback cannot read $env:/$file: references).',
			name: 'connectNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Use PKCE',
			name: 'usePkce',
			type: 'boolean',
			default: true,
			description: 'Whether to protect the authorization with PKCE (S256). Turn off only for providers that reject the code_challenge parameter.',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://auth.example.com/oauth/authorize',
		},
		accessTokenUrlProperty,
		clientIdProperty,
		clientSecretProperty,
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'openid offline_access read:orders',
			description: 'Scopes to request, separated by spaces or commas. Many providers issue a refresh token only with offline_access (or access_type=offline below).',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'string',
			default: '',
			placeholder: 'access_type=offline&prompt=consent',
			description: 'Extra parameters for the authorization URL, e.g. audience=… for Auth0',
		},
		clientAuthenticationProperty,
		...tokenRequestProperties,
		...tokenUseProperties,
		...connectConnectionProperties,
	];
}
