/**
 * Bad input, table-driven, through n8n's real engine: each malformed configuration gives an
 * error that names the field (as the editor shows it) and says what to do, before anything is
 * sent, and nothing crashes.
 */
import { runWorkflow } from '../support/engine';
import { distAgents, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { testPki, type TestPki } from '../servers/certs';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

let pki: TestPki;
let server: RecordingServer;
beforeAll(async () => {
	pki = await testPki();
	server = await startRecordingServer({});
});
afterAll(async () => {
	await server.close();
	distAgents.destroyAgents();
});
beforeEach(async () => resetTokenState());

const SECRET = 'bad-input-5ecret-Value-99';
type Case = [name: string, credentialType: string, data: () => Record<string, unknown>, parameters: () => Record<string, unknown>, field: string, fix: RegExp];

const url = () => ({ method: 'GET', url: `${server.url}/x` });
const bearer = (extra: Record<string, unknown> = {}) => () => ({ token: SECRET, ...extra });
const apiKey = (extra: Record<string, unknown> = {}) => () => ({ apiKey: SECRET, parameterName: 'X-API-Key', placement: 'header', ...extra });
const basic = (extra: Record<string, unknown> = {}) => () => ({ user: 'alice', password: SECRET, ...extra });
const oauth = (extra: Record<string, unknown> = {}) => () => ({ grantType: 'clientCredentials', accessTokenUrl: `${server.url}/token`, clientId: 'client', clientSecret: SECRET, ...extra });
const tls = (extra: Record<string, unknown>) => bearer({ useCustomTls: true, ...extra });

const cases: Case[] = [
	// Bearer token
	['empty token', 'apiAuthBearerToken', bearer({ token: '' }), url, 'Token', /Fill in Token/],
	['only the word Bearer', 'apiAuthBearerToken', bearer({ token: 'Bearer ' }), url, 'Token', /Paste the token/],
	['token with a line break (header injection)', 'apiAuthBearerToken', bearer({ token: `${SECRET}\r\nX-Evil: 1` }), url, 'Token', /without spaces or line breaks/],
	['token with a space inside', 'apiAuthBearerToken', bearer({ token: 'abc def' }), url, 'Token', /as one piece/],
	['header prefix with a line break', 'apiAuthBearerToken', bearer({ headerPrefix: 'Bearer\r\nX-Evil: 1' }), url, 'Header Prefix', /Remove line breaks/],
	// API key
	['empty API key', 'apiAuthApiKey', apiKey({ apiKey: '' }), url, 'API Key', /Fill in API Key/],
	['header name with a space', 'apiAuthApiKey', apiKey({ parameterName: 'X API Key' }), url, 'Parameter Name', /letters, digits and -/],
	['header name with CR/LF', 'apiAuthApiKey', apiKey({ parameterName: 'X-Key\r\nX-Evil' }), url, 'Parameter Name', /Remove line breaks/],
	['key with a line break', 'apiAuthApiKey', apiKey({ apiKey: `${SECRET}\nX-Evil: 1` }), url, 'API Key', /Remove line breaks/],
	['empty parameter name', 'apiAuthApiKey', apiKey({ parameterName: '' }), url, 'Parameter Name', /header name the API expects/],
	['unknown placement', 'apiAuthApiKey', apiKey({ placement: 'cookie' }), url, 'Send In', /Choose one of: header, query/],
	['query parameter name with a line break', 'apiAuthApiKey', apiKey({ placement: 'query', parameterName: 'key\nx' }), url, 'Parameter Name', /Remove line breaks/],
	// Basic
	['empty user', 'apiAuthBasic', basic({ user: '' }), url, 'User', /Fill in User/],
	['user with a colon (RFC 7617)', 'apiAuthBasic', basic({ user: 'a:b' }), url, 'User', /without a colon/],
	['password with a line break', 'apiAuthBasic', basic({ password: `${SECRET}\r\n` + 'x' }), url, 'Password', /Remove line breaks/],
	// OAuth2
	['unknown grant type', 'apiAuthOAuth2', oauth({ grantType: 'implicit' }), url, 'Grant Type', /clientCredentials, password, authorizationCode/],
	['empty token URL', 'apiAuthOAuth2', oauth({ accessTokenUrl: '' }), url, 'Access Token URL', /Fill in Access Token URL/],
	['token URL without a scheme', 'apiAuthOAuth2', oauth({ accessTokenUrl: 'auth.example.test/token' }), url, 'Access Token URL', /full URL such as/],
	['http:// token URL on a remote host', 'apiAuthOAuth2', oauth({ accessTokenUrl: 'http://auth.example.test/token' }), url, 'Access Token URL', /Use https:\/\//],
	['ftp:// token URL', 'apiAuthOAuth2', oauth({ accessTokenUrl: 'ftp://auth.example.test/token' }), url, 'Access Token URL', /https:\/\//],
	['token URL with a password in it', 'apiAuthOAuth2', oauth({ accessTokenUrl: 'https://u:p@auth.example.test/token' }), url, 'Access Token URL', /credential's fields instead/],
	['token URL host outside the allowed domains', 'apiAuthOAuth2', oauth({ accessTokenUrl: 'https://auth.example.test/token', allowedDomains: '127.0.0.1' }), url, 'Access Token URL', /Add "auth.example.test" to the credential's Allowed Domains/],
	['empty client ID', 'apiAuthOAuth2', oauth({ clientId: '' }), url, 'Client ID', /Fill in Client ID/],
	['client secret with non-ASCII characters', 'apiAuthOAuth2', oauth({ clientSecret: 'sécret-5ecret' }), url, 'Client Secret', /stray character/],
	['password grant without user name', 'apiAuthOAuth2', oauth({ grantType: 'password', password: 'x' }), url, 'Username', /Fill in Username/],
	['password grant without password', 'apiAuthOAuth2', oauth({ grantType: 'password', username: 'alice' }), url, 'Password', /Fill in Password/],
	['authorization code without refresh token', 'apiAuthOAuth2', oauth({ grantType: 'authorizationCode' }), url, 'Refresh Token', /Paste the refresh token/],
	['extra parameters: broken JSON', 'apiAuthOAuth2', oauth({ extraTokenParameters: '{"tenant": ' }), url, 'Extra Token Parameters', /JSON object/],
	['extra parameters: overriding grant_type', 'apiAuthOAuth2', oauth({ extraTokenParameters: 'grant_type=password' }), url, 'Extra Token Parameters', /Remove "grant_type"/],
	['expired status codes: not numbers', 'apiAuthOAuth2', oauth({ expiredStatusCodes: 'unauthorized' }), url, 'Token Expired Status Codes', /between 400 and 599/],
	['expired status codes: a success code', 'apiAuthOAuth2', oauth({ expiredStatusCodes: '200' }), url, 'Token Expired Status Codes', /between 400 and 599/],
	['expired body path without values', 'apiAuthOAuth2', oauth({ expiredBodyPath: 'errcode', expiredBodyValues: '' }), url, 'Token Expired Body Values', /40001, 42001/],
	['negative refresh margin', 'apiAuthOAuth2', oauth({ refreshMarginSeconds: -5 }), url, 'Refresh Before Expiry (Seconds)', /at least 0/],
	['token query parameter name with a line break', 'apiAuthOAuth2', oauth({ tokenPlacement: 'query', tokenQueryParameter: 'a\nb' }), url, 'Query Parameter Name', /Remove line breaks/],
	['header prefix with a line break (OAuth2)', 'apiAuthOAuth2', oauth({ headerPrefix: 'Bearer\n' + 'X: y' }), url, 'Header Prefix', /Remove line breaks/],
	// TLS
	['CA certificate that is not PEM', 'apiAuthBearerToken', tls({ tlsCa: 'not a certificate' }), url, 'CA Certificate', /BEGIN CERTIFICATE/],
	['CA certificate with a damaged body', 'apiAuthBearerToken', tls({ tlsCa: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }), url, 'CA Certificate', /complete PEM certificate/],
	['client certificate without its key', 'apiAuthBearerToken', () => tls({ tlsCert: pki.client.cert })(), url, 'Client Private Key', /mutual TLS needs both|Fill in Client Private Key/],
	['client key without its certificate', 'apiAuthBearerToken', () => tls({ tlsKey: pki.client.key })(), url, 'Client Certificate', /Fill in Client Certificate/],
	['garbage private key', 'apiAuthBearerToken', () => tls({ tlsCert: pki.client.cert, tlsKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' })(), url, 'Client Private Key', /complete PEM private key/],
	['private key of another certificate', 'apiAuthBearerToken', () => tls({ tlsCert: pki.client.cert, tlsKey: pki.strangerClient.key })(), url, 'Client Private Key', /generated together with this certificate/],
	['wrong passphrase', 'apiAuthBearerToken', () => tls({ tlsCert: pki.client.cert, tlsKey: pki.clientKeyEncrypted, tlsPassphrase: 'wrong-5ecret-passphrase' })(), url, 'Private Key Passphrase', /Check the passphrase/],
	['encrypted key without passphrase', 'apiAuthBearerToken', () => tls({ tlsCert: pki.client.cert, tlsKey: pki.clientKeyEncrypted })(), url, 'Private Key Passphrase', /Enter the key's passphrase/],
	// Connection settings
	['base URL without a scheme', 'apiAuthBearerToken', bearer({ baseUrl: 'api.example.test/v1' }), url, 'Base URL', /full URL such as/],
	['allowed domains with a path', 'apiAuthBearerToken', bearer({ allowedDomains: 'example.test/api' }), url, 'Allowed Domains', /List host names/],
	['a host outside the allowed domains', 'apiAuthBearerToken', bearer({ allowedDomains: 'api.example.test' }), url, 'URL', /to the credential's Allowed Domains/],
	['plain http to a remote host', 'apiAuthBearerToken', bearer(), () => ({ method: 'GET', url: 'http://api.example.test/x' }), 'URL', /turn on the credential's Allow Plain HTTP/],
	// Secret references
	['an environment reference while they are off', 'apiAuthBearerToken', bearer({ token: '$env:N8N_API_AUTH_SECRET_TOKEN' }), url, 'Token', /N8N_API_AUTH_SECRET_ENV_PREFIX/],
	['a file reference while they are off', 'apiAuthBearerToken', bearer({ token: '$file:token' }), url, 'Token', /N8N_API_AUTH_SECRETS_DIR/],
	// Node parameters
	['relative URL without a base URL', 'apiAuthBearerToken', bearer(), () => ({ method: 'GET', url: '/orders' }), 'URL', /set Base URL in the credential/],
	['URL with an unsupported scheme', 'apiAuthBearerToken', bearer(), () => ({ method: 'GET', url: 'file:///etc/passwd' }), 'URL', /https:\/\//],
	// A scheme makes a URL absolute even with a base URL (RFC 3986 §4.2): never a path under it.
	...(['javascript:alert(1)', 'file:///etc/passwd', 'data:text/plain,x', 'ftp://127.0.0.1:21/x'].map((text): Case => [
		`"${text.split(':')[0]}:" URL with a base URL`, 'apiAuthBearerToken', () => bearer({ baseUrl: server.url })(), () => ({ method: 'GET', url: text }), 'URL', /Use an https:\/\/ \(or http:\/\/\) URL/,
	])),
	['host:port/path without a scheme, with a base URL', 'apiAuthBearerToken', () => bearer({ baseUrl: server.url })(), () => ({ method: 'GET', url: `${new URL(server.url).host}/orders` }), 'URL', /Add https:\/\/ \(or http:\/\/\) in front/],
	['URL that is not a URL', 'apiAuthBearerToken', bearer(), () => ({ method: 'GET', url: 'https://exa mple.test/' }), 'URL', /full URL/],
	['invalid JSON body', 'apiAuthBearerToken', bearer(), () => ({ method: 'POST', url: `${server.url}/x`, sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody: '{"a": ' }), 'JSON', /Fix the JSON body/],
	['header name with CR/LF', 'apiAuthBearerToken', bearer(), () => ({ ...url(), sendHeaders: true, headerParameters: { parameters: [{ name: 'X-A\r\nX-Evil', value: '1' }] } }), 'Headers', /Remove line breaks/],
	['header value with CR/LF', 'apiAuthBearerToken', bearer(), () => ({ ...url(), sendHeaders: true, headerParameters: { parameters: [{ name: 'X-A', value: '1\r\nX-Evil: 2' }] } }), 'Headers', /Remove line breaks/],
	['query parameter name with CR/LF', 'apiAuthBearerToken', bearer(), () => ({ ...url(), sendQuery: true, queryParameters: { parameters: [{ name: 'a\r\nb', value: '1' }] } }), 'Query Parameters', /Remove line breaks/],
];

it.each(cases)('%s → names "%s"', async (_name, type, data, parameters, field, fix) => {
	const before = server.requests.length;
	const { error, run } = await runWorkflow({ parameters: parameters(), credential: { type, data: data() } });
	expect(error?.message.startsWith(`${field}: `)).toBe(true);
	expect(error?.description ?? '').toMatch(fix);
	expect(server.requests.length).toBe(before);
	expect(findLeaks(run, [SECRET, 'wrong-5ecret-passphrase', 'sécret-5ecret'])).toEqual([]);
});
