/**
 * Property blocks every credential type shares: secret references, the connection (base URL,
 * test URL, allowed domains, plain-http switch) and TLS. Declared once; read by lib/auth/connection.ts.
 */
import type { INodeProperties } from 'n8n-workflow';

export const DOCS_URL = 'https://www.npmjs.com/package/n8n-nodes-api-auth';

/** The sentence every secret field adds to its description. */
export const SECRET_REFERENCE_HINT =
	'Or a reference resolved on the n8n host when the request is made: $env:NAME (an environment variable) or $file:NAME (a file in the secrets folder), if the operator allows it.';

export function secretDescription(text: string): string {
	return `${text} ${SECRET_REFERENCE_HINT}`;
}

export const secretReferenceNotice: INodeProperties = {
	displayName:
		'Secret fields (and URLs, client ID, user name, certificates) take the value itself, or a reference resolved on the n8n host at run time: <code>$env:NAME</code> reads an environment variable whose name starts with the prefix in N8N_API_AUTH_SECRET_ENV_PREFIX; <code>$file:NAME</code> reads a file inside N8N_API_AUTH_SECRETS_DIR. Both are off unless the n8n operator sets them.',
	name: 'secretReferenceNotice',
	type: 'notice',
	default: '',
};

export const connectionProperties: INodeProperties[] = [
	{
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://api.example.com/v1',
		description:
			'Optional. When set, the node accepts relative URLs such as /orders and resolves them against this URL (its path is kept). May be a reference ($env:NAME or $file:NAME), so one exported credential serves staging and production.',
	},
	{
		displayName: 'Test URL',
		name: 'testUrl',
		type: 'string',
		default: '',
		placeholder: '/me or https://api.example.com/v1/health',
		description:
			'Optional. An endpoint of your API that answers an authenticated GET, called when you press Test. May be relative to the base URL.',
	},
	{
		displayName: 'Allowed Domains',
		name: 'allowedDomains',
		type: 'string',
		default: '',
		placeholder: 'api.example.com, *.example.org',
		description:
			'Hosts this credential may be sent to, separated by commas; *.example.com allows every subdomain. Empty: the base URL\'s host when a base URL is set, otherwise any host. Checked before every request, token request and redirect.',
	},
	{
		displayName: 'Allow Plain HTTP',
		name: 'allowPlainHttp',
		type: 'boolean',
		default: false,
		description:
			'Whether the credential may be sent over unencrypted http:// to hosts other than localhost. Leave off: anyone on the network path could read the secret.',
	},
	{
		displayName: 'Use Custom TLS',
		name: 'useCustomTls',
		type: 'boolean',
		default: false,
		description: 'Whether to set a CA certificate for a private CA, a client certificate for mutual TLS, or to ignore TLS errors. Applied to API calls and token calls alike.',
	},
	{
		displayName: 'CA Certificate',
		name: 'tlsCa',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: '-----BEGIN CERTIFICATE-----',
		description: secretDescription('PEM certificate(s) of the CA that signed the server certificate, for servers with a private CA. Trusted in addition to the system CAs.'),
		displayOptions: { show: { useCustomTls: [true] } },
	},
	{
		displayName: 'Client Certificate',
		name: 'tlsCert',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: '-----BEGIN CERTIFICATE-----',
		description: secretDescription('PEM client certificate (and its chain) for mutual TLS.'),
		displayOptions: { show: { useCustomTls: [true] } },
	},
	{
		displayName: 'Client Private Key',
		name: 'tlsKey',
		type: 'string',
		typeOptions: { password: true, rows: 4 },
		default: '',
		placeholder: '-----BEGIN PRIVATE KEY-----',
		description: secretDescription('PEM private key of the client certificate.'),
		displayOptions: { show: { useCustomTls: [true] } },
	},
	{
		displayName: 'Private Key Passphrase',
		name: 'tlsPassphrase',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: secretDescription('Passphrase of the private key, if it is encrypted.'),
		displayOptions: { show: { useCustomTls: [true] } },
	},
	{
		displayName: 'Ignore TLS Errors (Dangerous)',
		name: 'tlsIgnoreErrors',
		type: 'boolean',
		default: false,
		description:
			'Whether to accept any server certificate. Dangerous: anyone who can intercept the connection receives the credential. Prefer setting the CA certificate.',
		displayOptions: { show: { useCustomTls: [true] } },
	},
];

/**
 * n8n's own setting, which n8n adds to OAuth types (those that extend oAuth2Api) under this name
 * and with these values. Declared here so n8n does not add it a second time with its own
 * "Allowed Domains" beside ours; read by lib/auth/connection.ts with n8n's meaning.
 */
export const httpRequestDomainsProperty: INodeProperties = {
	displayName: 'Allowed HTTP Request Domains',
	name: 'allowedHttpRequestDomains',
	type: 'options',
	options: [
		{ name: 'All', value: 'all', description: 'Any host, subject to Allowed Domains below (empty: the base URL\'s host, if set)' },
		{ name: 'Specific Domains', value: 'domains', description: 'Only the hosts listed in Allowed Domains (API calls and token calls)' },
		{ name: 'None', value: 'none', description: 'No API call with this credential; n8n\'s Connect and token renewals still work' },
	],
	default: 'all',
	description: 'Which hosts this credential may be used with in HTTP request nodes, as in n8n\'s own OAuth2 credential',
};

/**
 * For OAuth2 Connect: n8n has no Test for OAuth types (so no Test URL), and n8n's domain
 * setting comes first, Allowed Domains hidden under "None".
 */
export const connectConnectionProperties: INodeProperties[] = [
	httpRequestDomainsProperty,
	...connectionProperties
		.filter((p) => p.name !== 'testUrl')
		.map((p) => (p.name === 'allowedDomains' ? { ...p, displayOptions: { hide: { allowedHttpRequestDomains: ['none'] } } } : p)),
];
