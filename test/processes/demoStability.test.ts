/**
 * A demo that survives restarts: the demo CA and its server certificate are kept in a folder and
 * reused (made again only when missing or expiring), the demo API comes back on the same fixed
 * ports with the same CA, and a taken port gives a message that names the port, the PID holding
 * it and the variable to change.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoApi } from '../../scripts/demo/api';
import { demoPki } from '../../scripts/demo/pki';
import { assertN8nPortFree } from '../../scripts/n8n/instance';
import type { Runtime } from '../../scripts/runtime';
import { listeningInodes, portFromEnv, portHolder } from '../../scripts/support/ports';

jest.setTimeout(60_000);

const folders: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
	await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function folder(): string {
	const dir = mkdtempSync(join(tmpdir(), 'demo-pki-'));
	folders.push(dir);
	return join(dir, 'pki');
}

/** A port that was free a moment ago (the kernel hands out ephemeral ports in turn, so it stays free). */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

async function hold(port: number): Promise<void> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	servers.push(server);
}

/** GET over HTTPS trusting only `ca`: the status, or the TLS error's code. */
function getTrusting(url: string, ca: string): Promise<number | string> {
	return new Promise((resolve) => {
		https
			.get(url, { ca, agent: false }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			})
			.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
	});
}

describe('the demo CA in the cache', () => {
	it('is made once and reused by the next start', async () => {
		const dir = folder();
		const first = await demoPki(dir);
		const second = await demoPki(dir);
		expect(first.made).toBe(true);
		expect(second.made).toBe(false);
		expect(second.caCert).toBe(first.caCert);
		expect(second.server).toEqual(first.server);
	});

	it('is made again when a file is missing', async () => {
		const dir = folder();
		const first = await demoPki(dir);
		rmSync(join(dir, 'server-key.pem'));
		const second = await demoPki(dir);
		expect(second.made).toBe(true);
		expect(second.caCert).not.toBe(first.caCert);
	});

	it('is made again when it expires within a day, and not before', async () => {
		const dir = folder();
		const first = await demoPki(dir);
		const nineYears = Date.now() + 9 * 365 * 86_400_000;
		expect((await demoPki(dir, nineYears)).made).toBe(false);
		const again = await demoPki(dir, Date.now() + 3650 * 86_400_000);
		expect(again.made).toBe(true);
		expect(again.caCert).not.toBe(first.caCert);
	});

	it('is made again when the server certificate is not the CA\'s', async () => {
		const dir = folder();
		await demoPki(dir);
		const other = await demoPki(folder());
		writeFileSync(join(dir, 'ca.pem'), other.caCert);
		expect((await demoPki(dir)).made).toBe(true);
	});
});

describe('the demo API across restarts', () => {
	it('comes back on the same ports with the same CA, so a credential trusting it keeps working', async () => {
		const dir = folder();
		const pki = await demoPki(dir);
		const ports = { api: { port: await freePort(), envName: 'DEMO_API_PORT' }, oauth: { port: await freePort(), envName: 'DEMO_OAUTH_PORT' } };
		const first = await startDemoApi({ n8nUrl: 'http://localhost:5678', ports, pki });
		const before = { apiUrl: first.apiUrl, oauthUrl: first.oauthUrl, caCert: first.caCert };
		expect(await getTrusting(`${first.apiUrl}/bearer`, first.caCert)).toBe(401);
		await first.close();

		const kept = await demoPki(dir);
		expect(kept.made).toBe(false);
		const second = await startDemoApi({ n8nUrl: 'http://localhost:5678', ports, pki: kept });
		try {
			expect({ apiUrl: second.apiUrl, oauthUrl: second.oauthUrl, caCert: second.caCert }).toEqual(before);
			expect(before.apiUrl).toBe(`https://127.0.0.1:${ports.api.port}`);
			expect(await getTrusting(`${before.apiUrl}/bearer`, before.caCert)).toBe(401);
			expect(await getTrusting(`${before.oauthUrl}/api`, before.caCert)).toBe(401);
		} finally {
			await second.close();
		}
	});

	it.each([
		['api', 'the demo API'],
		['oauth', 'the demo OAuth2 server'],
	] as const)('names a taken %s port, the PID that holds it and the variable to change', async (which, what) => {
		const ports = { api: { port: await freePort(), envName: 'DEMO_API_PORT' }, oauth: { port: await freePort(), envName: 'DEMO_OAUTH_PORT' } };
		await hold(ports[which].port);
		await expect(startDemoApi({ n8nUrl: 'http://localhost:5678', ports })).rejects.toThrow(
			`Port ${ports[which].port} (${what}) is taken by PID ${process.pid} (`,
		);
		await expect(startDemoApi({ n8nUrl: 'http://localhost:5678', ports })).rejects.toThrow(`set ${ports[which].envName} to a free port`);
		// The server that did start was closed: its port is free again.
		const other = which === 'api' ? 'oauth' : 'api';
		await hold(ports[other].port);
	});
});

describe('who holds a port', () => {
	const TABLE = [
		'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
		'   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0',
		'   1: 0100007F:1538 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0 100 0 0 10 0',
		'   2: 00000000:162E 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0 100 0 0 10 0',
	].join('\n');

	it('reads the listening sockets of a port from /proc/net/tcp, not its connections', () => {
		expect(listeningInodes(TABLE, 0x1538)).toEqual(['4242']);
		expect(listeningInodes(TABLE, 5678)).toEqual(['4444']);
		expect(listeningInodes(TABLE, 5679)).toEqual([]);
	});

	it('finds the PID of another process listening on the port', async () => {
		const port = await freePort();
		const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
		try {
			await new Promise((resolve) => child.stdout?.once('data', resolve));
			expect(portHolder(port)?.pid).toBe(child.pid);
			expect(portHolder(port)?.command).toContain('createServer');
		} finally {
			child.kill('SIGKILL');
		}
	});

	it("n8n's taken port is refused before anything starts, naming the PID", async () => {
		const port = await freePort();
		await hold(port);
		const site = { runtime: {} as Runtime, userFolder: folder(), port };
		await expect(assertN8nPortFree(site)).rejects.toThrow(`Port ${port} for n8n is taken by PID ${process.pid} (`);
	});

	it('refuses a port variable that is no port, by name', () => {
		expect(portFromEnv({ P: '5443' }, 'P', 1)).toBe(5443);
		expect(portFromEnv({}, 'P', 5444)).toBe(5444);
		expect(() => portFromEnv({ P: 'abc' }, 'P', 1)).toThrow('P=abc is not a port: use a number from 1 to 65535.');
		expect(() => portFromEnv({ P: '70000' }, 'P', 1)).toThrow('P=70000 is not a port');
	});
});
