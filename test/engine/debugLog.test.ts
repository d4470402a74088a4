/**
 * simple-oauth2 logs its request options (the client secret's Basic header, and the secret itself
 * in body mode) through the `debug` module when DEBUG is set. The package switches those namespaces
 * off: a process with DEBUG=* that fetches tokens prints no secret.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { type OAuth2TestServer, startOAuth2Server, TEST_CLIENT } from '../servers/oauth2Server';
import { findLeaks } from '../support/secrets';

let server: OAuth2TestServer;
beforeAll(async () => {
	server = await startOAuth2Server();
});
afterAll(async () => server.close());

const script = (tokenUrl: string, mode: string) => `
const { requestGrant } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'lib', 'oauth2', 'simpleOAuth2.js'))});
const { agentFor } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'lib', 'transport', 'agents.js'))});
const tokenUrl = new URL(${JSON.stringify(tokenUrl)});
const settings = { grant: 'clientCredentials', tokenUrl, clientId: ${JSON.stringify(TEST_CLIENT.id)}, clientSecret: ${JSON.stringify(TEST_CLIENT.secret)},
	clientAuth: { method: ${JSON.stringify(mode)} }, scopes: [], resources: [], extraParams: {}, mapping: { accessToken: "access_token" } };
requestGrant(settings, { agent: agentFor(tokenUrl, { fingerprint: 'x', rejectUnauthorized: true }), timeoutMs: 5000 }, Date.now)
	.then((t) => { console.log('TOKEN-OK', typeof t.access_token); process.exit(0); }, (e) => { console.log('ERR', e.message); process.exit(1); });
`;

it.each(['header', 'body'])('DEBUG=* prints nothing secret (client authentication in the %s)', async (mode) => {
	// Asynchronously: the OAuth2 server runs in this process and must answer meanwhile.
	const result = await promisify(execFile)(process.execPath, ['-e', script(server.tokenUrl, mode)], { env: { ...process.env, DEBUG: '*', DEBUG_COLORS: 'no' }, encoding: 'utf8', timeout: 20_000 });
	expect(result.stdout).toContain('TOKEN-OK string');
	expect(findLeaks(`${result.stdout}\n${result.stderr}`, [TEST_CLIENT.secret, `${TEST_CLIENT.id}:${TEST_CLIENT.secret}`])).toEqual([]);
	// Sanity: debug output is on in that process (other namespaces still print), so silence is not an accident.
	const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('debug'))})('probe')('hello')`], { env: { ...process.env, DEBUG: '*', DEBUG_COLORS: 'no' }, encoding: 'utf8' });
	expect(probe.stderr).toContain('probe hello');
});
