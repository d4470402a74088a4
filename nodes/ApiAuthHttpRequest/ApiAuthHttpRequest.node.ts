import {
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';
import { clock } from '../../lib/clock';
import { testCredential } from '../../lib/credentialTest';
import { authenticationProperty, CREDENTIAL_TEST_METHOD, credentials } from './description/authentication';
import { bodyProperties } from './description/body';
import { optionsProperty } from './description/options';
import { requestProperties } from './description/request';
import { executeNode } from './execute';

export class ApiAuthHttpRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Authenticated HTTP Request',
		name: 'apiAuthHttpRequest',
		icon: { light: 'file:apiAuthHttpRequest.svg', dark: 'file:apiAuthHttpRequest.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["method"] + ": " + $parameter["url"]}}',
		description: 'Call any HTTP API with a Bearer token, API key, Basic auth or OAuth2 credential (with mTLS)',
		defaults: { name: 'Authenticated HTTP Request' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials,
		properties: [authenticationProperty, ...requestProperties, ...bodyProperties, optionsProperty],
	};

	methods = {
		credentialTest: {
			async [CREDENTIAL_TEST_METHOD](
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				return await testCredential(credential.type, credential.data ?? {}, { clock: clock(), logger: this.logger });
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode.call(this);
	}
}
