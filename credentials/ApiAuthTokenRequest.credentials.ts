import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { credentialIcon } from './shared/icon';
import { tokenUseProperties } from './shared/oauth2Properties';
import { connectionProperties, DOCS_URL, secretDescription, secretReferenceNotice } from './shared/properties';
import { answerProperties, requestProperties, sendTokenProperties } from './shared/tokenRequestProperties';

/** The lifecycle settings shared with OAuth2: "token expired" answers (status or body), refresh margin and window, lost refresh answers. */
const LIFECYCLE = ['expiredStatusCodes', 'expiredBodyPath', 'expiredBodyValues', 'refreshMarginSeconds', 'refreshWindowPercent', 'retryRefreshOnUnknownOutcome'];

/**
 * Tokens from an API's own login or token endpoint (not OAuth2): a login request modelled in
 * the credential, an optional refresh request, the answer read by paths, the token kept alive by
 * the package's token lifecycle. Read by lib/tokenRequest/settings.ts.
 */
export class ApiAuthTokenRequest implements ICredentialType {
	name = 'apiAuthTokenRequest';

	displayName = 'Authenticated HTTP: Token Request (Login)';

	documentationUrl = `${DOCS_URL}#token-request-login`;

	icon = credentialIcon;

	properties: INodeProperties[] = [
		secretReferenceNotice,
		...requestProperties('login', 'Login'),
		{ displayName: 'Username', name: 'username', type: 'string', default: '', description: 'For {{username}} and Basic authentication of the token request' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '', description: secretDescription('For {{password}}.') },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', description: 'For {{clientId}}' },
		{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '', description: secretDescription('For {{clientSecret}}.') },
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '', description: secretDescription('For {{apiKey}} and API Key Header authentication of the token request.') },
		{ displayName: 'API Key Header', name: 'keyHeaderName', type: 'string', default: 'X-API-Key', description: 'The header that carries the API Key when a request\'s authentication is API Key Header' },
		...answerProperties,
		{
			displayName: 'Use Refresh Request',
			name: 'useRefreshRequest',
			type: 'boolean',
			default: false,
			description: 'Whether the API has a refresh endpoint that trades the refresh token for a new token. When it refuses the refresh token, the login request is sent once instead.',
		},
		...requestProperties('refresh', 'Refresh', { useRefreshRequest: [true] }),
		{
			displayName: 'Refresh Refused Status Codes',
			name: 'refreshRefusedStatusCodes',
			type: 'string',
			default: '400, 401',
			description: 'Answers of the refresh endpoint that mean "this refresh token is no longer valid": a new login follows',
			displayOptions: { show: { useRefreshRequest: [true] } },
		},
		...sendTokenProperties,
		...tokenUseProperties.filter((property) => LIFECYCLE.includes(property.name)),
		...connectionProperties,
	];
}
