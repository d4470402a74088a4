import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { credentialIcon } from './shared/icon';
import { connectionProperties, DOCS_URL, secretDescription, secretReferenceNotice } from './shared/properties';

export class ApiAuthBearerToken implements ICredentialType {
	name = 'apiAuthBearerToken';

	displayName = 'Authenticated HTTP: Bearer Token';

	documentationUrl = `${DOCS_URL}#bearer-token`;

	icon = credentialIcon;

	properties: INodeProperties[] = [
		secretReferenceNotice,
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: secretDescription(
				'The token only. A pasted "Bearer " is removed and surrounding spaces are trimmed; a token with spaces or line breaks inside is refused.',
			),
		},
		{
			displayName: 'Header Prefix',
			name: 'headerPrefix',
			type: 'string',
			default: 'Bearer',
			description: 'Sent as "Authorization: <prefix> <token>". Some APIs want "Token" or "JWT"; leave empty to send the token alone.',
		},
		...connectionProperties,
	];
}
