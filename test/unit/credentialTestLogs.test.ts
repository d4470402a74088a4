/**
 * The Test button logs through the redacting logger, as a run does: a token server whose
 * error_description echoes the client secret does not put it into n8n's log. The log line is the
 * failed renewal before expiry (the second Test, with the clock moved into the renewal window).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testCredential } from '../../lib/credentialTest';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/services';
import { destroyAgents } from '../../lib/transport/agents';
import { whenIdle } from '../../lib/tokens/manager';

const SECRET = 'client-5ecret-Echoed-In-Logs-41';
let server: http.Server;
let tokenUrl: string;

beforeAll(async () => {
	let answered = 0;
	server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			if (answered++ === 0) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ access_token: 'first-access-token-1234', token_type: 'Bearer', expires_in: 100 }));
				return;
			}
			res.writeHead(401, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: 'invalid_client', error_description: `client secret ${SECRET} is not valid` }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
	destroyAgents();
	await new Promise((resolve) => server.close(resolve));
});

it('no secret in the log lines or their metadata, nor in the result', async () => {
	const lines: string[] = [];
	const capture = (message: string, meta?: Record<string, unknown>) => void lines.push(message + JSON.stringify(meta ?? {}));
	const logger: Logger = { debug: capture, info: capture, warn: capture, error: capture };
	let offset = 0;
	const clock: Clock = { now: () => Date.now() + offset, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
	const run = () =>
		testCredential('apiAuthOAuth2', { grantType: 'clientCredentials', accessTokenUrl: tokenUrl, clientId: 'client-id', clientSecret: SECRET }, { clock, logger });
	expect((await run()).status).toBe('OK');
	offset = 95_000;
	const result = await run();
	await whenIdle();
	expect(lines.some((line) => line.includes('renewing the token before expiry failed'))).toBe(true);
	expect(result.message).not.toContain(SECRET);
	expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);
});
