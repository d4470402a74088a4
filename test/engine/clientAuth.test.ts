/**
 * Client authentication without shared secrets, through n8n's real engine against oidc-provider,
 * which verifies each method itself: private_key_jwt (RSA with an Entra-style certificate, EC),
 * client_secret_jwt, tls_client_auth and self_signed_tls_client_auth. For each: 100 parallel items
 * → one token request; renewals before expiry with a new assertion each (every jti unique, and
 * the server refuses a replay anyway); a wrong key or certificate → the Test button's diagnosis;
 * and no key, assertion or secret in outputs, errors or logs.
 */
import { captureLogs, pressTest, runWorkflow, type RunResult } from '../support/engine';
import { distAgents, distTokens, offsetClock, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { startRecordingServer } from '../servers/recordingServer';
import { CLIENTS, type OidcClientAuthServer, startOidcClientAuthServer } from '../servers/oidcClientAuth';
import { fiftyRenewals } from '../support/renewals';

let server: OidcClientAuthServer;
let logs: ReturnType<typeof captureLogs>;
const results: unknown[] = [];
/** What the Test path logged. */
const testLogs: string[] = [];
const press = (data: Record<string, unknown>) => pressTest('apiAuthOAuth2', data, testLogs);

beforeAll(async () => {
	server = await startOidcClientAuthServer();
	logs = captureLogs();
}, 60_000);
afterAll(async () => {
	logs.stop();
	await server.close();
	distAgents.destroyAgents();
});
beforeEach(async () => {
	await resetTokenState();
	server.tokens.length = 0;
	await server.setTtl(3600);
});

type Method = { name: string; data: () => Record<string, unknown>; signs: boolean; wrong: () => Record<string, unknown>; diagnosis: RegExp };

const base = (clientId: string, extra: Record<string, unknown>) => ({
	grantType: 'clientCredentials',
	accessTokenUrl: server.tokenUrl,
	clientId,
	useCustomTls: true,
	tlsCa: server.pki.ca.cert,
	...extra,
});

const METHODS: Method[] = [
	{
		name: 'private_key_jwt, RS256, Entra-style certificate (x5t#S256) and kid',
		data: () => base(CLIENTS.rsa, { authentication: 'private_key_jwt', assertionPrivateKey: server.rsa.key, assertionCertificate: server.rsa.cert, assertionKeyId: 'entra-cert-1' }),
		signs: true,
		wrong: () => base(CLIENTS.rsa, { authentication: 'private_key_jwt', assertionPrivateKey: server.rogue.key, assertionKeyId: 'entra-cert-1' }),
		diagnosis: /did not accept the signed assertion \(private_key_jwt, RS256, kid=entra-cert-1\).*public key or certificate registered/,
	},
	{
		name: 'private_key_jwt, PS256',
		data: () => base(CLIENTS.rsa, { authentication: 'private_key_jwt', assertionPrivateKey: server.rsa.key, assertionAlgorithm: 'PS256', assertionKeyId: 'entra-cert-1' }),
		signs: true,
		wrong: () => base(CLIENTS.rsa, { authentication: 'private_key_jwt', assertionPrivateKey: server.rogue.key, assertionAlgorithm: 'PS256' }),
		diagnosis: /did not accept the signed assertion \(private_key_jwt, PS256, no kid\)/,
	},
	{
		name: 'private_key_jwt, ES256',
		data: () => base(CLIENTS.ec, { authentication: 'private_key_jwt', assertionPrivateKey: server.ec.key, assertionAlgorithm: 'ES256', assertionKeyId: 'ec-1' }),
		signs: true,
		// The RSA client's key, with the EC client's id.
		wrong: () => base(CLIENTS.ec, { authentication: 'private_key_jwt', assertionPrivateKey: server.rsa.key, assertionKeyId: 'ec-1' }),
		diagnosis: /did not accept the signed assertion \(private_key_jwt, RS256, kid=ec-1\)/,
	},
	{
		name: 'client_secret_jwt',
		data: () => base(CLIENTS.secretJwt, { authentication: 'client_secret_jwt', clientSecret: server.clientSecret }),
		signs: true,
		wrong: () => base(CLIENTS.secretJwt, { authentication: 'client_secret_jwt', clientSecret: `${server.clientSecret}-old` }),
		diagnosis: /assertion signed with the client secret.*Check the client secret/,
	},
	{
		name: 'tls_client_auth',
		data: () => base(CLIENTS.mtls, { authentication: 'tls_client_auth', tlsCert: server.pki.client.cert, tlsKey: server.pki.client.key }),
		signs: false,
		// A certificate from a CA the server does not trust.
		wrong: () => base(CLIENTS.mtls, { authentication: 'tls_client_auth', tlsCert: server.pki.strangerClient.cert, tlsKey: server.pki.strangerClient.key }),
		diagnosis: /did not accept the TLS client certificate \(tls_client_auth\).*subject DN or SAN/,
	},
	{
		name: 'self_signed_tls_client_auth',
		data: () => base(CLIENTS.selfSigned, { authentication: 'self_signed_tls_client_auth', tlsCert: server.pki.strangerClient.cert, tlsKey: server.pki.strangerClient.key }),
		signs: false,
		wrong: () => base(CLIENTS.selfSigned, { authentication: 'self_signed_tls_client_auth', tlsCert: server.pki.client.cert, tlsKey: server.pki.client.key }),
		diagnosis: /did not accept the TLS client certificate \(self_signed_tls_client_auth\).*Register this Client Certificate/,
	},
];

const credential = (data: Record<string, unknown>) => ({ type: 'apiAuthOAuth2', data });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));
const keep = (result: RunResult): RunResult => {
	results.push(result.output, result.error, result.run.data);
	return result;
};

describe.each(METHODS)('$name', (method) => {
	it('100 parallel items: one token request, which oidc-provider accepted; every API call authorized', async () => {
		const { output, error } = keep(await runWorkflow({
			parameters: { method: 'GET', url: `${server.apiUrl}/orders`, options: { concurrency: 100 } },
			credential: credential(method.data()),
			items: items(100),
		}));
		expect(error).toBeUndefined();
		expect(output).toHaveLength(100);
		expect(output.every((o) => o.json.ok === true)).toBe(true);
		expect(server.tokens).toEqual([expect.objectContaining({ ok: true })]);
		if (method.signs) expect(server.tokens[0].jti).toEqual(expect.any(String));
		else expect(server.tokens[0].assertion).toBeUndefined();
	});

	it('50 renewals before expiry: a new assertion each time, every jti unique, no API call with an expired token', async () => {
		await fiftyRenewals(
			server,
			async (renewEarly) => keep(await runWorkflow({ parameters: { method: 'GET', url: `${server.apiUrl}/orders` }, credential: credential({ ...method.data(), ...renewEarly }) })),
			{ signs: method.signs, settle: () => distTokens.whenIdle() },
		);
	}, 120_000);

	it('a wrong key or certificate: the Test button says which key to check', async () => {
		const result = await press(method.wrong());
		results.push(result);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/invalid_client/);
		expect(result.message).toMatch(method.diagnosis);
		expect(server.tokens.every((t) => !t.ok)).toBe(true);
	});
});

describe('clock skew', () => {
	it('a host clock 10 minutes behind: the Test button says so and shows the server\'s time', async () => {
		const clock = offsetClock();
		clock.advance(-600_000);
		try {
			const result = await press(METHODS[0].data());
			results.push(result);
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/clock skew: the server's clock \(\d{4}-\d\d-\d\dT[\d:.]+Z\) is (599|600|601) s ahead of this host's, so the assertion's iat\/exp look expired/);
			expect(result.message).toMatch(/NTP/);
		} finally {
			clock.restore();
		}
	});
});

describe('a provider that names the method it expects (hand-written: oidc-provider words every refusal alike)', () => {
	it('unsupported token_endpoint_auth_method: the Test button says to choose the registered method', async () => {
		const quirk = await startRecordingServer({
			tls: server.pki.server,
			handler: () => ({ status: 401, body: { error: 'invalid_client', error_description: 'The client is not configured to use the private_key_jwt token_endpoint_auth_method.' } }),
		});
		try {
			const result = await press({ ...METHODS[0].data(), accessTokenUrl: `${quirk.url}/token` });
			results.push(result);
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/not registered for this client authentication \(private_key_jwt\).*Choose the Client Authentication the client is registered for/);
			// What the endpoint received: a client assertion, no secret.
			const form = new URLSearchParams(quirk.requests[0].body.toString('utf8'));
			expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
			expect(form.get('client_id')).toBe(CLIENTS.rsa);
			expect(form.has('client_secret')).toBe(false);
			expect(quirk.requests[0].headers.authorization).toBeUndefined();
			server.assertions.push(form.get('client_assertion') as string);
		} finally {
			await quirk.close();
		}
	});
});

describe('configuration errors, before anything is sent', () => {
	it.each<[string, Record<string, unknown>, RegExp]>([
		['ES256 with an RSA key', { authentication: 'private_key_jwt', assertionAlgorithm: 'ES256', assertionPrivateKey: 'RSA' }, /Signing Algorithm: ES256 needs an EC key on the P-256 curve, but the private key is an rsa key/],
		['a certificate of another key', { authentication: 'private_key_jwt', assertionPrivateKey: 'EC', assertionAlgorithm: 'ES256', assertionCertificate: 'RSA-CERT' }, /Certificate \(for x5t#S256\).*does not belong to the private key/],
		['no private key', { authentication: 'private_key_jwt' }, /Private Key.*is empty/],
		['client_secret_jwt without a secret', { authentication: 'client_secret_jwt' }, /Client Secret.*is empty, but client_secret_jwt signs with it/],
		['tls_client_auth without a client certificate', { authentication: 'tls_client_auth' }, /tls_client_auth needs a TLS client certificate/],
	])('%s', async (_name, extra, message) => {
		const fill = (value: unknown) => (value === 'RSA' ? server.rsa.key : value === 'EC' ? server.ec.key : value === 'RSA-CERT' ? server.rsa.cert : value);
		const data = base(CLIENTS.rsa, Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, fill(v)])));
		const result = await press(data);
		results.push(result);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(message);
		expect(server.tokens).toHaveLength(0);
	});
});

describe('the auth trace', () => {
	it('names the method and the key id, never key material', async () => {
		const { output } = keep(await runWorkflow({
			parameters: { method: 'GET', url: `${server.apiUrl}/orders`, options: { authTrace: true } },
			credential: credential(METHODS[0].data()),
		}));
		expect(output[0].json.authTrace).toEqual(expect.objectContaining({ method: 'oauth2', tokenSource: 'fetched', clientAuth: 'private_key_jwt, RS256, kid=entra-cert-1' }));
	});
});

describe('secret sweep (runs last)', () => {
	it('no private key, assertion or client secret in outputs, errors, run data, Test messages or logs', () => {
		const secrets = [server.rsa.key, server.ec.key, server.rogue.key, server.pki.client.key, server.pki.strangerClient.key, server.clientSecret, ...server.assertions];
		expect(server.assertions.length).toBeGreaterThan(200);
		expect(findLeaks([results, logs.lines, testLogs], secrets)).toEqual([]);
	});
});
