/**
 * mTLS and redirects: the client certificate authenticates like a header does, so a
 * cross-origin redirect drops it too. Both servers ask for a certificate; the one on 127.0.0.2
 * stands for another origin, allowed but not trusted with the credential.
 */
import { distAgents, resetTokenState } from '../support/dist';
import { runWorkflow } from '../support/engine';
import { testPki, type TestPki } from '../servers/certs';
import { type RecordingServer, startRecordingServer } from '../servers/recordingServer';

let pki: TestPki;
let home: RecordingServer;
let other: RecordingServer;

beforeAll(async () => {
	pki = await testPki();
	// requestCert without rejecting: the servers record whether a certificate was presented.
	const tls = () => ({ ...pki.server, requestCert: true, rejectUnauthorized: false, ca: pki.clientCa.cert });
	other = await startRecordingServer({ host: '127.0.0.2', tls: tls() });
	home = await startRecordingServer({
		tls: tls(),
		handler: (req) => {
			if (req.path === '/cross') return { status: 302, headers: { location: `${other.url}/landing` } };
			if (req.path === '/same') return { status: 302, headers: { location: '/landing' } };
			return { body: { ok: true } };
		},
	});
});
afterAll(async () => {
	await Promise.all([home.close(), other.close()]);
	distAgents.destroyAgents();
});
beforeEach(async () => {
	home.requests.length = 0;
	other.requests.length = 0;
	await resetTokenState();
	distAgents.destroyAgents();
});

const credential = () => ({
	type: 'apiAuthBearerToken',
	data: { token: 'tok_mtls_redirect_5ecret_1', allowedDomains: '127.0.0.1, 127.0.0.2', useCustomTls: true, tlsCa: pki.ca.cert, tlsCert: pki.client.cert, tlsKey: pki.client.key },
});

describe('the client certificate and redirects', () => {
	it('a cross-origin redirect: the next origin gets neither the token nor the client certificate', async () => {
		const { error } = await runWorkflow({ parameters: { method: 'GET', url: `${home.url}/cross` }, credential: credential() });
		expect(error).toBeUndefined();
		expect(home.requests[0].clientCert).toBeDefined();
		expect(other.requests).toHaveLength(1);
		expect(other.requests[0].headers.authorization).toBeUndefined();
		expect(other.requests[0].clientCert).toBeUndefined();
	});

	it('a same-origin redirect keeps both', async () => {
		const { error } = await runWorkflow({ parameters: { method: 'GET', url: `${home.url}/same` }, credential: credential() });
		expect(error).toBeUndefined();
		expect(home.requests.map((r) => Boolean(r.clientCert && r.headers.authorization))).toEqual([true, true]);
	});
});
