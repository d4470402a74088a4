/**
 * The demo credentials (one per method, pointing at the demo API, trusting its CA) and one demo
 * workflow per method, in the JSON that n8n's import:credentials and import:workflow read.
 * Fixed ids: importing again at the next start replaces them instead of adding copies.
 */
import type { DemoApi } from './api';
import { DEMO_SECRETS } from './api';

export const NODE_TYPE = 'n8n-nodes-api-auth.apiAuthHttpRequest';

export interface DemoCase {
	/** Short name used in ids, file names and test titles. */
	key: string;
	credentialType: string;
	credentialId: string;
	credentialName: string;
	workflowId: string;
	workflowName: string;
	/** Part of what the demo API answers to a good credential. */
	expect: { path: string; authenticatedWith?: string; client?: string };
	data(api: DemoApi): Record<string, unknown>;
}

const tls = (api: DemoApi) => ({ useCustomTls: true, tlsCa: api.caCert });

export const DEMO_CASES: DemoCase[] = [
	{
		key: 'bearer',
		credentialType: 'apiAuthBearerToken',
		credentialId: 'apiAuthDemoCrBea',
		credentialName: 'Demo: Bearer token',
		workflowId: 'apiAuthDemoWfBea',
		workflowName: 'Demo: Bearer token',
		expect: { path: '/orders', authenticatedWith: 'bearer token' },
		data: (api) => ({ token: DEMO_SECRETS.bearerToken, headerPrefix: 'Bearer', baseUrl: `${api.apiUrl}/bearer`, testUrl: '/me', ...tls(api) }),
	},
	{
		key: 'apiKey',
		credentialType: 'apiAuthApiKey',
		credentialId: 'apiAuthDemoCrKey',
		credentialName: 'Demo: API key',
		workflowId: 'apiAuthDemoWfKey',
		workflowName: 'Demo: API key',
		expect: { path: '/orders', authenticatedWith: 'API key' },
		data: (api) => ({ apiKey: DEMO_SECRETS.apiKey, placement: 'header', parameterName: 'X-API-Key', baseUrl: `${api.apiUrl}/api-key`, testUrl: '/me', ...tls(api) }),
	},
	{
		key: 'basic',
		credentialType: 'apiAuthBasic',
		credentialId: 'apiAuthDemoCrBas',
		credentialName: 'Demo: Basic auth',
		workflowId: 'apiAuthDemoWfBas',
		workflowName: 'Demo: Basic auth',
		expect: { path: '/orders', authenticatedWith: 'basic auth' },
		data: (api) => ({ user: DEMO_SECRETS.basicUser, password: DEMO_SECRETS.basicPassword, baseUrl: `${api.apiUrl}/basic`, testUrl: '/me', ...tls(api) }),
	},
	{
		key: 'oauth2',
		credentialType: 'apiAuthOAuth2',
		credentialId: 'apiAuthDemoCrOa2',
		credentialName: 'Demo: OAuth2 client credentials',
		workflowId: 'apiAuthDemoWfOa2',
		workflowName: 'Demo: OAuth2 client credentials',
		expect: { path: '/api/orders', client: DEMO_SECRETS.clientId },
		data: (api) => ({
			grantType: 'clientCredentials',
			accessTokenUrl: `${api.oauthUrl}/token`,
			clientId: DEMO_SECRETS.clientId,
			clientSecret: DEMO_SECRETS.clientSecret,
			authentication: 'header',
			scope: 'orders:read',
			baseUrl: `${api.oauthUrl}/api`,
			testUrl: '/me',
			...tls(api),
		}),
	},
	{
		key: 'tokenRequest',
		credentialType: 'apiAuthTokenRequest',
		credentialId: 'apiAuthDemoCrLog',
		credentialName: 'Demo: Token Request (login)',
		workflowId: 'apiAuthDemoWfLog',
		workflowName: 'Demo: Token Request (login with expiry time)',
		expect: { path: '/orders', authenticatedWith: 'login token' },
		data: (api) => ({
			loginUrl: `${api.apiUrl}/auth/login`,
			loginMethod: 'POST',
			loginBodyType: 'json',
			loginBody: '{"username": "{{username}}", "password": "{{password}}"}',
			username: DEMO_SECRETS.loginUser,
			password: DEMO_SECRETS.loginPassword,
			tokenFrom: 'json',
			tokenPath: 'data.token',
			expiry: 'iso',
			expiryPath: 'data.expiresAt',
			sendTokenIn: 'header',
			headerPrefix: 'Bearer',
			baseUrl: `${api.apiUrl}/login-api`,
			testUrl: '/me',
			...tls(api),
		}),
	},
	{
		key: 'connect',
		credentialType: 'apiAuthOAuth2Connect',
		credentialId: 'apiAuthDemoCrCon',
		credentialName: 'Demo: OAuth2 Connect',
		workflowId: 'apiAuthDemoWfCon',
		workflowName: 'Demo: OAuth2 Connect (authorization code)',
		expect: { path: '/api/orders', client: DEMO_SECRETS.clientId },
		data: (api) => ({
			grantType: 'authorizationCode',
			usePkce: true,
			authUrl: `${api.oauthUrl}/authorize`,
			accessTokenUrl: `${api.oauthUrl}/token`,
			clientId: DEMO_SECRETS.clientId,
			clientSecret: DEMO_SECRETS.clientSecret,
			authentication: 'header',
			// The scope of the grant made at start: a refresh may not ask for more (RFC 6749, 6).
			scope: 'default',
			baseUrl: `${api.oauthUrl}/api`,
			...tls(api),
			// As if Connect had been pressed once: the workflow runs at once, Reconnect works too.
			oauthTokenData: { access_token: api.connectGrant.accessToken, refresh_token: api.connectGrant.refreshToken, token_type: 'Bearer' },
		}),
	},
];

export function demoCredentials(api: DemoApi): object[] {
	return DEMO_CASES.map((c) => ({ id: c.credentialId, name: c.credentialName, type: c.credentialType, data: c.data(api) }));
}

export const TRIGGER_NAME = 'Run the demo';
export const REQUEST_NAME = 'GET /orders';

export function demoWorkflow(c: DemoCase): object {
	return {
		id: c.workflowId,
		name: c.workflowName,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{ id: `${c.workflowId}-trigger`, name: TRIGGER_NAME, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${c.workflowId}-request`,
				name: REQUEST_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { authentication: c.credentialType, method: 'GET', url: '/orders', options: { authTrace: true } },
				credentials: { [c.credentialType]: { id: c.credentialId, name: c.credentialName } },
			},
		],
		connections: { [TRIGGER_NAME]: { main: [[{ node: REQUEST_NAME, type: 'main', index: 0 }]] } },
	};
}
