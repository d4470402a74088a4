import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { credentialIcon } from './shared/icon';
import { connectionProperties, DOCS_URL, secretDescription, secretReferenceNotice } from './shared/properties';

export class ApiAuthApiKey implements ICredentialType {
	name = 'apiAuthApiKey';

	displayName = 'Authenticated HTTP: API Key';

	documentationUrl = `${DOCS_URL}#api-key`;

	icon = credentialIcon;

	properties: INodeProperties[] = [
		secretReferenceNotice,
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: secretDescription('The key the API gave you.'),
		},
		{
			displayName: 'Send In',
			name: 'placement',
			type: 'options',
			options: [
				{ name: 'Header', value: 'header', description: 'Preferred: headers do not end up in access logs' },
				{ name: 'Query String', value: 'query', description: 'Appended to the URL as ?name=key' },
			],
			default: 'header',
		},
		{
			displayName: 'Parameter Name',
			name: 'parameterName',
			type: 'string',
			default: 'X-API-Key',
			required: true,
			description: 'Name of the header or query parameter the API reads the key from, e.g. X-API-Key or api_key.',
		},
		...connectionProperties,
	];
}
