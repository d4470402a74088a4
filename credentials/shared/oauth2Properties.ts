/**
 * OAuth2 properties both OAuth2 credential types share: what goes into token requests besides
 * the grant, how the token is sent to the API, when it is renewed, and how to read non-standard
 * token responses. Read by lib/oauth2/settings.ts.
 */
import type { INodeProperties } from 'n8n-workflow';
import { secretDescription } from './properties';

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

/**
 * The OAuth2 type's choice adds the key- and certificate-based methods. Not on the Connect type:
 * n8n's own callback exchanges the code there, and it knows only header and body.
 */
export const clientAuthenticationWithKeysProperty: INodeProperties = {
	...clientAuthenticationProperty,
	options: [
		...(clientAuthenticationProperty.options ?? []),
		{ name: 'Signed JWT With a Private Key', value: 'private_key_jwt', description: 'A JWT signed with your private key (RS256, PS256 or ES256); no secret is sent (private_key_jwt, e.g. Entra ID certificates, Okta)' },
		{ name: 'Signed JWT With the Client Secret', value: 'client_secret_jwt', description: 'A JWT signed (HS256) with the client secret; the secret itself is not sent (client_secret_jwt)' },
		{ name: 'TLS Client Certificate', value: 'tls_client_auth', description: 'Mutual TLS with a CA-issued certificate (tls_client_auth, RFC 8705); set the certificate under Custom TLS' },
		{ name: 'Self-Signed TLS Client Certificate', value: 'self_signed_tls_client_auth', description: 'Mutual TLS with a self-signed certificate registered with the provider (self_signed_tls_client_auth)' },
	],
	description: 'How the client authenticates to the token endpoint. Without a shared secret: a signed JWT (private_key_jwt) or a TLS client certificate (tls_client_auth).',
};

const showFor = (...methods: string[]) => ({ show: { authentication: methods }, hide: { grantType: ['jwtBearer'] } });

/** The signing key of private_key_jwt (read by lib/oauth2/clientAuth.ts). */
export const signingKeyProperties: INodeProperties[] = [
	{
		displayName: 'Private Key',
		name: 'assertionPrivateKey',
		type: 'string',
		typeOptions: { password: true, rows: 4 },
		default: '',
		required: true,
		placeholder: '-----BEGIN PRIVATE KEY-----',
		description: secretDescription('PEM private key (PKCS#8, RSA or EC) whose public key or certificate is registered with the provider.'),
		displayOptions: showFor('private_key_jwt'),
	},
	{
		displayName: 'Private Key Passphrase (Signing)',
		name: 'assertionKeyPassphrase',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: secretDescription('Only for an encrypted private key.'),
		displayOptions: showFor('private_key_jwt'),
	},
	{
		displayName: 'Signing Algorithm',
		name: 'assertionAlgorithm',
		type: 'options',
		options: [
			{ name: 'RS256', value: 'RS256', description: 'RSA PKCS#1 v1.5 with SHA-256 (the most widely accepted)' },
			{ name: 'PS256', value: 'PS256', description: 'RSA-PSS with SHA-256 (open banking / FAPI)' },
			{ name: 'ES256', value: 'ES256', description: 'ECDSA P-256 with SHA-256' },
		],
		default: 'RS256',
		displayOptions: showFor('private_key_jwt'),
	},
	{
		displayName: 'Key ID (kid)',
		name: 'assertionKeyId',
		type: 'string',
		default: '',
		description: 'Sent as "kid" in the JWT header, for providers that hold several keys for the client (the key\'s ID in its JWKS)',
		displayOptions: showFor('private_key_jwt'),
	},
	{
		displayName: 'Certificate (for x5t#S256)',
		name: 'assertionCertificate',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: '-----BEGIN CERTIFICATE-----',
		description: 'Optional: the certificate registered with the provider. Its thumbprints are sent as "x5t#S256" and "x5t" in the JWT header (Microsoft Entra ID identifies certificate credentials this way).',
		displayOptions: showFor('private_key_jwt'),
	},
];

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
	{
		displayName: 'Token Expired Status Codes',
		name: 'expiredStatusCodes',
		type: 'string',
		default: '401',
		description: 'API answers that mean "token expired": the token is renewed once and the request sent once more. Separate several with commas, e.g. 401, 403, 419.',
	},
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
	// The JWT bearer grant names the client in its assertion (Issuer).
	displayOptions: { hide: { grantType: ['jwtBearer'] } },
};

export const clientSecretProperty: INodeProperties = {
	displayName: 'Client Secret',
	name: 'clientSecret',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	description: secretDescription('Secret of the OAuth2 client. May be empty for public clients.'),
	displayOptions: { hide: { authentication: ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'], grantType: ['jwtBearer'] } },
};

const forJwtBearer = { show: { grantType: ['jwtBearer'] } };

/**
 * The JWT bearer grant (read by lib/oauth2/jwtBearer.ts): a service-account JSON key, or issuer,
 * subject and the signing key field by field. The JSON key takes precedence where both are set.
 */
export const jwtBearerProperties: INodeProperties[] = [
	{
		displayName: 'Service Account JSON Key',
		name: 'serviceAccountKey',
		type: 'string',
		typeOptions: { password: true, rows: 4 },
		default: '',
		placeholder: '{"type": "service_account", "client_email": "…", "private_key": "-----BEGIN PRIVATE KEY-----…", …}',
		description: secretDescription(
			'Optional: the whole key file (e.g. a Google service account). Its client_email, private_key, private_key_id and token_uri are used as Issuer, Private Key, Key ID and Access Token URL, in place of those fields.',
		),
		displayOptions: forJwtBearer,
	},
	{
		displayName: 'Issuer (iss)',
		name: 'assertionIssuer',
		type: 'string',
		default: '',
		placeholder: 'n8n@project.iam.gserviceaccount.com',
		description: 'Who signs the assertion: the service account\'s e-mail, or the client ID (Salesforce: the consumer key). Not needed with a JSON key.',
		displayOptions: forJwtBearer,
	},
	{
		displayName: 'Subject (sub)',
		name: 'assertionSubject',
		type: 'string',
		default: '',
		placeholder: 'user@example.com',
		description: 'Whom the token is for: empty means the issuer itself; a user to act as (Google domain-wide delegation, Salesforce user name)',
		displayOptions: forJwtBearer,
	},
	{
		displayName: 'Assertion Audience (aud)',
		name: 'assertionAudience',
		type: 'string',
		default: '',
		placeholder: 'https://login.salesforce.com',
		description: 'Empty means the Access Token URL, as RFC 7523 and Google expect. Salesforce wants https://login.salesforce.com (or https://test.salesforce.com).',
		displayOptions: forJwtBearer,
	},
	{
		displayName: 'Send Scope As',
		name: 'assertionScopeIn',
		type: 'options',
		options: [
			{ name: 'Claim and Parameter', value: 'both', description: 'Works with Google (claim) and RFC 7523 servers (parameter)' },
			{ name: 'Assertion Claim', value: 'claim', description: 'A "scope" claim in the signed assertion (Google)' },
			{ name: 'Token Request Parameter', value: 'parameter', description: 'A "scope" form field (RFC 7523 §2.1)' },
		],
		default: 'both',
		displayOptions: forJwtBearer,
	},
	...signingKeyProperties.map((property) => ({
		...property,
		required: property.name === 'assertionPrivateKey' ? false : property.required,
		description: property.name === 'assertionPrivateKey' ? secretDescription('PEM private key of the service account (not needed with a JSON key).') : property.description,
		displayOptions: forJwtBearer,
	})),
];
