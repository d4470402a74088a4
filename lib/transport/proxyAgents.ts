/**
 * Keep-alive agents that go through an HTTP proxy, for axios (API calls) and simple-oauth2
 * (token calls) alike, since both only take an agent:
 *   https:// targets  a CONNECT tunnel per connection, TLS to the target inside it; the TLS
 *                     socket is pooled as usual, so the tunnel is reused while it stays open;
 *   http:// targets   requests in absolute form (GET http://host/path) on a pooled connection
 *                     to the proxy, with Proxy-Authorization on each request.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProxyEndpoint } from './proxy';

/** Until the proxy has answered: a request's own timeout starts only once it has a socket. */
const PROXY_CONNECT_TIMEOUT_MS = 30_000;
const MAX_CONNECT_RESPONSE_BYTES = 16 * 1024;

type ProxyErrorCode = 'ERR_PROXY_UNREACHABLE' | 'ERR_PROXY_AUTH' | 'ERR_PROXY_TUNNEL';

function proxyError(code: ProxyErrorCode, message: string): Error & { code: string } {
	return Object.assign(new Error(message), { code });
}

function connectToProxy(proxy: ProxyEndpoint, timeoutMs: number): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const host = proxy.url.hostname.replace(/^\[|\]$/g, '');
		const socket = net.connect({ host, port: Number(proxy.url.port || 80) });
		const fail = (reason: string): void => {
			socket.destroy();
			reject(proxyError('ERR_PROXY_UNREACHABLE', `the proxy ${proxy.url.host} could not be reached (${reason})`));
		};
		socket.setTimeout(timeoutMs, () => fail('ETIMEDOUT'));
		socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
		socket.once('connect', () => {
			socket.setTimeout(0);
			socket.removeAllListeners('error');
			socket.removeAllListeners('timeout');
			resolve(socket);
		});
	});
}

/** Sends CONNECT host:port and resolves with the socket once the proxy answered 2xx. */
async function openTunnel(proxy: ProxyEndpoint, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
	const socket = await connectToProxy(proxy, timeoutMs);
	const authority = `${net.isIP(host) === 6 ? `[${host}]` : host}:${port}`;
	return await new Promise((resolve, reject) => {
		let received = Buffer.alloc(0);
		const finish = (error?: Error): void => {
			socket.removeListener('data', onData);
			socket.removeListener('error', onError);
			socket.removeListener('close', onClose);
			socket.setTimeout(0);
			if (error) {
				socket.destroy();
				reject(error);
			} else {
				resolve(socket);
			}
		};
		const onError = (error: NodeJS.ErrnoException): void =>
			finish(proxyError('ERR_PROXY_UNREACHABLE', `the connection to the proxy ${proxy.url.host} failed (${error.code ?? error.message})`));
		const onClose = (): void => finish(proxyError('ERR_PROXY_TUNNEL', `the proxy ${proxy.url.host} closed the connection instead of answering CONNECT`));
		const onData = (chunk: Buffer): void => {
			received = Buffer.concat([received, chunk]);
			const end = received.indexOf('\r\n\r\n');
			if (end === -1) {
				if (received.length > MAX_CONNECT_RESPONSE_BYTES) finish(proxyError('ERR_PROXY_TUNNEL', `the proxy ${proxy.url.host} sent an oversized answer to CONNECT`));
				return;
			}
			const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, end).toString('latin1'))?.[1]);
			if (status >= 200 && status < 300) return finish();
			finish(
				status === 407
					? proxyError('ERR_PROXY_AUTH', `the proxy ${proxy.url.host} requires authentication (407)`)
					: proxyError('ERR_PROXY_TUNNEL', `the proxy ${proxy.url.host} refused the tunnel to ${authority} (${status || 'no HTTP answer'})`),
			);
		};
		socket.on('data', onData);
		socket.on('error', onError);
		socket.on('close', onClose);
		socket.setTimeout(timeoutMs, () => finish(proxyError('ERR_PROXY_UNREACHABLE', `the proxy ${proxy.url.host} did not answer CONNECT in time`)));
		const auth = proxy.authorization ? `Proxy-Authorization: ${proxy.authorization}\r\n` : '';
		socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
	});
}

type ConnectCallback = (error: Error | null, stream: Duplex) => void;

function connectTimeout(options: { timeout?: number }): number {
	return options.timeout && options.timeout > 0 ? options.timeout : PROXY_CONNECT_TIMEOUT_MS;
}

export class TunnelingHttpsAgent extends https.Agent {
	constructor(
		private readonly proxy: ProxyEndpoint,
		options: https.AgentOptions,
	) {
		super(options);
	}

	createConnection(options: https.RequestOptions, callback?: ConnectCallback): Duplex | null | undefined {
		const done = callback as ConnectCallback;
		openTunnel(this.proxy, String(options.host), Number(options.port) || 443, connectTimeout(options)).then(
			(socket) => {
				let secure: Duplex | null | undefined;
				try {
					// https.Agent's own TLS connect (session cache included), on the tunnel instead of a new socket.
					secure = super.createConnection({ ...options, socket } as https.RequestOptions);
				} catch (error) {
					socket.destroy();
					return done(error as Error, socket);
				}
				done(null, secure as Duplex);
			},
			(error: Error) => done(error, undefined as unknown as Duplex),
		);
		return undefined;
	}
}

interface AgentInternals {
	addRequest(request: http.ClientRequest, options: http.RequestOptions): void;
}

const baseAddRequest = (http.Agent.prototype as unknown as AgentInternals).addRequest;

export class ForwardingHttpAgent extends http.Agent {
	constructor(
		private readonly proxy: ProxyEndpoint,
		options: http.AgentOptions,
	) {
		super(options);
	}

	/** Called by ClientRequest before its head is written: the request line gets the absolute URL. */
	addRequest(request: http.ClientRequest, options: http.RequestOptions): void {
		if (!/^https?:\/\//i.test(request.path)) {
			const host = String(options.host ?? options.hostname ?? 'localhost');
			const port = Number(options.port) || 80;
			const authority = `${net.isIP(host) === 6 ? `[${host}]` : host}${port !== 80 ? `:${port}` : ''}`;
			request.path = `http://${authority}${request.path}`;
		}
		if (this.proxy.authorization) request.setHeader('Proxy-Authorization', this.proxy.authorization);
		baseAddRequest.call(this, request, options);
	}

	createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
		const done = callback as ConnectCallback;
		connectToProxy(this.proxy, connectTimeout(options)).then(
			(socket) => done(null, socket),
			(error: Error) => done(error, undefined as unknown as Duplex),
		);
		return undefined;
	}
}
