/**
 * The token manager against a real OAuth2 server library, with stores chosen to isolate one rule:
 * a store whose lock never refuses, so only the in-process single flight keeps concurrent items
 * to one token request; and the "Retry Refresh After Unknown Outcome" switch, on and off.
 */
import { systemClock } from '../../lib/clock';
import { CredentialReader } from '../../lib/auth/credentialReader';
import { TokenRequestError } from '../../lib/errors';
import { clearTokenCache, TokenManager, whenIdle } from '../../lib/tokens/manager';
import { oauth2GrantSource } from '../../lib/tokens/sources/oauth2Grant';
import { readOAuth2Settings, readTokenSeed } from '../../lib/oauth2/settings';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import type { Logger } from '../../lib/services';
import { MemoryTokenStore } from '../../lib/stores/memoryStore';
import type { LockHandle, TokenStore } from '../../lib/stores/tokenStore';
import { destroyAgents, agentFor } from '../../lib/transport/agents';
import { parseTls } from '../../lib/transport/tls';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';

/** The memory store with a lock that every caller gets: as if each caller ran on its own host. */
class NoLockStore extends MemoryTokenStore {
	lockCalls = 0;

	override async tryLock(): Promise<LockHandle> {
		this.lockCalls++;
		return { renew: async () => true, release: async () => undefined };
	}
}

function recordingLogger(): Logger & { warnings: string[] } {
	const warnings: string[] = [];
	return { warnings, debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
}

let server: OAuth2TestServer;

beforeAll(async () => {
	server = await startOAuth2Server();
});
afterAll(async () => {
	await whenIdle();
	destroyAgents();
	await server.close();
});
beforeEach(() => {
	clearTokenCache();
	server.setFault(undefined);
	server.tokenRequests.length = 0;
});

function manager(data: Record<string, unknown>, store: TokenStore = new MemoryTokenStore(), logger: Logger = recordingLogger()): TokenManager {
	const raw = { accessTokenUrl: server.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, ...data };
	const reader = new CredentialReader(raw, new SecretRegistry());
	const settings = readOAuth2Settings(reader, false);
	if (settings.grant === 'authorizationCode') settings.seed = readTokenSeed(reader, raw, false);
	return new TokenManager(oauth2GrantSource(settings), {
		store,
		clock: systemClock,
		logger,
		agent: agentFor(settings.tokenUrl, parseTls({ ignoreErrors: false }), undefined),
		leaseMs: 10_000,
		pollMs: 50,
		tokenTimeoutMs: 5_000,
		onToken: () => undefined,
	});
}

const deadline = () => Date.now() + 10_000;

describe('in-process single flight', () => {
	it('concurrent callers of one process share one token request even when the store grants every lock', async () => {
		const store = new NoLockStore();
		const tokens = manager({ grantType: 'clientCredentials' }, store);
		const results = await Promise.all(Array.from({ length: 20 }, () => tokens.token({ deadline: deadline() })));
		expect(server.tokenRequests).toHaveLength(1);
		expect(new Set(results.map((r) => r.state.accessToken)).size).toBe(1);
		expect(results.filter((r) => r.source === 'fetched')).toHaveLength(20);
		// The lock was asked for once: the other callers never reached the store's lock.
		expect(store.lockCalls).toBe(1);
	});

	it('later callers use the cached token without another request', async () => {
		const tokens = manager({ grantType: 'clientCredentials' }, new NoLockStore());
		const first = await tokens.token({ deadline: deadline() });
		const second = await tokens.token({ deadline: deadline() });
		expect(second).toEqual({ state: first.state, source: 'cache' });
		expect(server.tokenRequests).toHaveLength(1);
	});
});

describe('Retry Refresh After Unknown Outcome', () => {
	// The connection drops before the provider processed the refresh: the refresh token is still
	// good, but the node cannot know that.
	const lostBeforeProcessing = () => server.setFault((record) => (server.tokenRequests.indexOf(record) === 0 ? { kind: 'destroy' } : undefined));

	it('off (the default): no second refresh; the item fails saying why', async () => {
		const grant = await server.issueGrant();
		server.tokenRequests.length = 0;
		lostBeforeProcessing();
		const logger = recordingLogger();
		const tokens = manager({ grantType: 'authorizationCode', refreshToken: grant.refreshToken }, new MemoryTokenStore(), logger);
		const error = await tokens.token({ deadline: deadline() }).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(TokenRequestError);
		expect((error as Error).message).toContain('is not sent again blindly');
		expect(server.tokenRequests.map((r) => r.grantType)).toEqual(['refresh_token']);
		expect(logger.warnings).toEqual([]);
	});

	it('on: the same refresh is sent once more and its token used', async () => {
		const grant = await server.issueGrant();
		server.tokenRequests.length = 0;
		lostBeforeProcessing();
		const logger = recordingLogger();
		const tokens = manager({ grantType: 'authorizationCode', refreshToken: grant.refreshToken, retryRefreshOnUnknownOutcome: true }, new MemoryTokenStore(), logger);
		const result = await tokens.token({ deadline: deadline() });
		expect(result.source).toBe('refreshed');
		expect(server.tokenRequests.map((r) => [r.grantType, r.body.refresh_token])).toEqual([
			['refresh_token', grant.refreshToken],
			['refresh_token', grant.refreshToken],
		]);
		expect(server.tokenRequests[1].outcome).toBe('issued');
		expect(logger.warnings).toEqual([expect.stringContaining('Retry Refresh After Unknown Outcome is on')]);
	});
});

describe('transit time', () => {
	it('a token that would expire on its way to the API is not handed out: after slow answers it is renewed first', async () => {
		const store = new MemoryTokenStore();
		const tokens = manager({ grantType: 'clientCredentials' }, store);
		const now = Date.now();
		// 20-s life, 5 s left: usable for 3 s more (2-s skew allowance), fresh for 1 s more.
		await store.setState(tokens.key, { accessToken: 'stored-A', obtainedAt: now - 15_000, expiresAt: now + 5_000, expirySource: 'expires_in' });
		expect((await tokens.token({ deadline: deadline() })).state.accessToken).toBe('stored-A');
		expect(server.tokenRequests).toHaveLength(0);
		// Requests lately took 3.5 s to be answered: this token would reach the API expired.
		tokens.recordTransit(3_500);
		const next = await tokens.token({ deadline: deadline() });
		expect(next).toMatchObject({ source: 'fetched' });
		expect(next.state.accessToken).not.toBe('stored-A');
		expect(server.tokenRequests).toHaveLength(1);
	});
});
