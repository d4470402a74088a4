/**
 * The JWT bearer grant (RFC 7523 §2.1) through n8n's real engine, with a Google-style service
 * account JSON key. oidc-provider has no such grant: beside it, test/servers/oidcClientAuthProcess.mjs
 * answers /jwt-bearer/token as Google does, after verifying the assertion's signature with the
 * service account's public key (jose), and issues oidc-provider access tokens the API checks.
 */
import { captureLogs, pressTest, runWorkflow, type RunResult } from '../support/engine';
import { distAgents, distTokens, offsetClock, resetTokenState } from '../support/dist';
import { findLeaks } from '../support/secrets';
import { type OidcClientAuthServer, startOidcClientAuthServer } from '../servers/oidcClientAuth';
import { fiftyRenewals } from '../support/renewals';

const SCOPE = 'https://www.googleapis.com/auth/drive.readonly';
process.env.N8N_API_AUTH_SECRET_ENV_PREFIX = 'JWTB_';

let server: OidcClientAuthServer;
let logs: ReturnType<typeof captureLogs>;
const results: unknown[] = [];
/** What the Test path logged. */
const testLogs: string[] = [];
const press = (data: Record<string, unknown>) => pressTest('apiAuthOAuth2', data, testLogs);

beforeAll(async () => {
	server = await startOidcClientAuthServer();
	process.env.JWTB_SERVICE_ACCOUNT = JSON.stringify(server.serviceAccount);
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

const keyFile = () => JSON.stringify(server.serviceAccount, null, 2);
const data = (extra: Record<string, unknown> = {}) => ({
	grantType: 'jwtBearer',
	serviceAccountKey: keyFile(),
	scope: SCOPE,
	useCustomTls: true,
	tlsCa: server.pki.ca.cert,
	...extra,
});
const credential = (extra: Record<string, unknown> = {}) => ({ type: 'apiAuthOAuth2', data: data(extra) });
const keep = (result: RunResult): RunResult => {
	results.push(result.output, result.error, result.run.data);
	return result;
};

it('a pasted JSON key: 100 parallel items, one token request with a verified assertion (iss = sub = client_email, scope claim)', async () => {
	const { output, error } = keep(await runWorkflow({
		parameters: { method: 'GET', url: `${server.apiUrl}/files`, options: { concurrency: 100, authTrace: true } },
		credential: credential(),
		items: Array.from({ length: 100 }, (_, i) => ({ i })),
	}));
	expect(error).toBeUndefined();
	expect(output).toHaveLength(100);
	expect(output.every((o) => o.json.ok === true)).toBe(true);
	expect(server.tokens).toEqual([expect.objectContaining({ ok: true, client: 'jwt-bearer', sub: server.serviceAccount.client_email, scope: SCOPE, scopeParam: SCOPE, jti: expect.any(String) })]);
	expect(output[0].json.authTrace).toEqual(expect.objectContaining({ clientAuth: 'jwt-bearer, RS256, kid=a1b2c3d4e5f6' }));
});

it('50 renewals before expiry: a new assertion each time, every jti unique, no API call with an expired token', async () => {
	await fiftyRenewals(
		server,
		async (renewEarly) => keep(await runWorkflow({ parameters: { method: 'GET', url: `${server.apiUrl}/files` }, credential: credential(renewEarly) })),
		{ signs: true, settle: () => distTokens.whenIdle() },
	);
}, 120_000);

it('the fields one by one (issuer, private key, key id, token URL) instead of a JSON key', async () => {
	const { output, error } = keep(await runWorkflow({
		parameters: { method: 'GET', url: `${server.apiUrl}/files` },
		credential: credential({
			serviceAccountKey: '',
			accessTokenUrl: server.jwtBearerTokenUrl,
			assertionIssuer: server.serviceAccount.client_email,
			assertionSubject: 'ada@example.com',
			assertionPrivateKey: server.serviceAccount.private_key,
			assertionKeyId: 'k1',
			assertionScopeIn: 'parameter',
		}),
	}));
	expect(error).toBeUndefined();
	expect(output[0].json.ok).toBe(true);
	// The scope went as a parameter only: the assertion holds none.
	expect(server.tokens).toEqual([expect.objectContaining({ ok: true, sub: 'ada@example.com', scopeParam: SCOPE })]);
	expect(server.tokens[0].scope).toBeUndefined();
});

it('the JSON key takes precedence over the individual fields', async () => {
	const result = await press(data({ accessTokenUrl: 'https://127.0.0.1:1/elsewhere', assertionPrivateKey: server.rogue.key, assertionIssuer: 'someone-else' }));
	results.push(result);
	expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/^Token obtained \(from the token endpoint\)/) });
	expect(server.tokens).toEqual([expect.objectContaining({ ok: true, sub: server.serviceAccount.client_email })]);
});

it('the JSON key from a $env: reference', async () => {
	const result = await press(data({ serviceAccountKey: '$env:JWTB_SERVICE_ACCOUNT' }));
	results.push(result);
	expect(result.status).toBe('OK');
});

describe('the Test button on refusals', () => {
	it('a key the provider does not know: which key to check', async () => {
		const result = await press(data({ serviceAccountKey: JSON.stringify({ ...server.serviceAccount, private_key: server.rogue.key }) }));
		results.push(result);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/invalid_grant \(Invalid JWT Signature\.\): the provider did not accept the signed assertion \(jwt-bearer, RS256, kid=a1b2c3d4e5f6\).*public key or certificate registered/);
	});

	it('a clock 10 minutes behind: clock skew, with the server\'s time', async () => {
		const clock = offsetClock();
		clock.advance(-600_000);
		try {
			const result = await press(data());
			results.push(result);
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/clock skew: the server's clock \(\d{4}-[^)]+Z\) is (599|600|601) s ahead of this host's/);
		} finally {
			clock.restore();
		}
	});

	it('a wrong audience: says which audience was sent and where to set it', async () => {
		const result = await press(data({ assertionAudience: 'https://login.example.com' }));
		results.push(result);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/refused the assertion's audience \(aud = https:\/\/login\.example\.com\).*Assertion Audience/);
	});

	it('a JSON key without a private key: named before anything is sent', async () => {
		const { private_key: _omitted, ...rest } = server.serviceAccount;
		const result = await press(data({ serviceAccountKey: JSON.stringify(rest) }));
		results.push(result);
		expect(result.message).toMatch(/Service Account JSON Key.*has no "private_key" or "client_email"/);
		expect(server.tokens).toHaveLength(0);
	});
});

it('secret sweep (runs last): no private key, JSON key or assertion in outputs, errors, run data, Test messages or logs', () => {
	const secrets = [server.serviceAccount.private_key, keyFile(), JSON.stringify(server.serviceAccount), server.rogue.key, ...server.assertions];
	expect(server.assertions.length).toBeGreaterThan(50);
	expect(findLeaks([results, logs.lines, testLogs], secrets)).toEqual([]);
});
