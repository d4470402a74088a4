/**
 * A small forward proxy on 127.0.0.1 for the tests, as corporate proxies behave: CONNECT tunnels
 * for https targets, absolute-form requests for http targets, optional Basic proxy auth (407
 * otherwise). It records what passed through it and only ever connects to loopback addresses.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

export interface TestProxy {
	url: string;
	/** The proxy URL with user and password, when the proxy requires them. */
	authUrl: string;
	port: number;
	/** One entry per CONNECT: the target authority and the Proxy-Authorization sent. */
	tunnels: Array<{ authority: string; authorization?: string; allowed: boolean }>;
	/** One entry per absolute-form request. */
	forwarded: Array<{ method: string; url: string; authorization?: string; allowed: boolean }>;
	/** Every byte clients sent to the proxy, tunnelled bytes included, in arrival order. */
	received: Buffer[];
	close(): Promise<void>;
}

export interface TestProxyOptions {
	auth?: { user: string; password: string };
	/** The loopback address to listen on (default 127.0.0.1). */
	host?: string;
}

function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '');
	return bare === 'localhost' || bare === '::1' || (net.isIP(bare) === 4 && bare.startsWith('127.'));
}

export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
	const tunnels: TestProxy['tunnels'] = [];
	const forwarded: TestProxy['forwarded'] = [];
	const received: Buffer[] = [];
	const sockets = new Set<net.Socket>();
	const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}` : undefined;
	const authorized = (header: string | undefined): boolean => expected === undefined || header === expected;
	const upstream = new http.Agent({ keepAlive: true });

	const server = http.createServer((req, res) => {
		const authorization = req.headers['proxy-authorization'];
		let target: URL;
		try {
			target = new URL(req.url ?? '');
		} catch {
			res.writeHead(400).end('absolute-form request expected');
			return;
		}
		const allowed = authorized(authorization) && isLoopback(target.hostname);
		forwarded.push({ method: req.method ?? 'GET', url: target.href, authorization, allowed });
		if (!authorized(authorization)) {
			res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test proxy"', 'content-type': 'text/plain' }).end('proxy authentication required');
			return;
		}
		if (!isLoopback(target.hostname)) {
			res.writeHead(403).end('only loopback targets');
			return;
		}
		const headers = { ...req.headers };
		delete headers['proxy-authorization'];
		delete headers['proxy-connection'];
		const outgoing = http.request(target, { method: req.method, headers, agent: upstream }, (answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		});
		outgoing.on('error', () => res.writeHead(502).end('upstream failed'));
		req.pipe(outgoing);
	});

	server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
		const authorization = req.headers['proxy-authorization'];
		const authority = req.url ?? '';
		const { hostname, port } = new URL(`http://${authority}`);
		const allowed = authorized(authorization) && isLoopback(hostname);
		tunnels.push({ authority, authorization, allowed });
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		client.on('error', () => client.destroy());
		if (!authorized(authorization)) {
			client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		if (!isLoopback(hostname)) {
			client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		const target = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
		sockets.add(target);
		target.on('close', () => sockets.delete(target));
		target.on('error', () => client.destroy());
		target.on('connect', () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) target.write(head);
			target.pipe(client);
			client.pipe(target);
		});
		client.on('close', () => target.destroy());
	});
	server.on('connection', (socket: net.Socket) => {
		sockets.add(socket);
		socket.on('data', (chunk: Buffer) => received.push(chunk));
		socket.on('close', () => sockets.delete(socket));
	});

	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const { port } = server.address() as AddressInfo;
	const url = `http://${host}:${port}`;
	const auth = options.auth;
	return {
		url,
		authUrl: auth ? `http://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@${host}:${port}` : url,
		port,
		tunnels,
		forwarded,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				upstream.destroy();
				server.close(() => resolve());
			}),
	};
}
