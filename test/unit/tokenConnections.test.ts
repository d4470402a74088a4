/**
 * Token requests go out on a new connection each, API calls on the kept-alive pool: a refresh
 * written onto an idle connection that the server closes at that moment would fail unanswered,
 * an unknown outcome (transport/agents.ts, tokenAgentFor). Real OAuth2 server and API on 127.0.0.1.
 */
import { exchange } from '../../lib/exchange';
import { systemClock } from '../../lib/clock';
import { silentLogger } from '../../lib/services';
import { openSession } from '../../lib/session';
import { whenIdle } from '../../lib/tokens/manager';
import { destroyAgents } from '../../lib/transport/agents';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

let auth: OAuth2TestServer;
let api: RecordingServer;
beforeAll(async () => {
	[auth, api] = await Promise.all([startOAuth2Server(), startRecordingServer()]);
});
afterAll(async () => {
	await whenIdle();
	destroyAgents();
	await Promise.all([auth.close(), api.close()]);
});

it('sends each token request on a connection of its own, and the API calls on one kept-alive connection', async () => {
	let calls = 0;
	// The first call's token is refused: the package renews once and retries, so two token requests in a row.
	api.setHandler(() => (++calls === 1 ? { status: 401 } : { status: 200, body: { ok: true } }));
	const session = openSession(
		'apiAuthOAuth2',
		{ grantType: 'clientCredentials', accessTokenUrl: auth.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret, allowedDomains: '127.0.0.1' },
		{ clock: systemClock, logger: silentLogger },
	);
	const request = () => ({ method: 'GET', url: new URL(`${api.url}/a`), headers: {} });
	const options = { timeoutMs: 10_000, followRedirects: true, maxRedirects: 5, urlField: 'URL' };
	expect((await exchange(session, request(), options, session.newTrace())).status).toBe(200);
	expect((await exchange(session, request(), options, session.newTrace())).status).toBe(200);

	expect(auth.tokenRequests).toHaveLength(2);
	const [first, second] = auth.tokenRequests.map((r) => r.remotePort);
	expect(first).toEqual(expect.any(Number));
	expect(second).not.toBe(first);
	// Three API calls (401, its retry, the next item) on the pool's one connection.
	expect(api.requests).toHaveLength(3);
	expect(new Set(api.requests.map((r) => r.remotePort)).size).toBe(1);
});
