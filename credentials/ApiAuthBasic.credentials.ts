import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { credentialIcon } from './shared/icon';
import { connectionProperties, DOCS_URL, secretDescription, secretReferenceNotice } from './shared/properties';

export class ApiAuthBasic implements ICredentialType {
	name = 'apiAuthBasic';

	displayName = 'Authenticated HTTP: Basic Auth';

	documentationUrl = `${DOCS_URL}#basic-auth`;

	icon = credentialIcon;

	properties: INodeProperties[] = [
		secretReferenceNotice,
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description: 'User name. It may not contain ":" (RFC 7617).',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: secretDescription('Password; may be empty for APIs that take a key as the user name.'),
		},
		...connectionProperties,
	];
}
