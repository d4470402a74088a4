/**
 * An HTTP or HTTPS (optionally mTLS) server on 127.0.0.x that records every request it receives
 * and answers through a handler the test sets. What the server saw is what the tests assert.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface RecordedRequest {
	method: string;
	url: string;
	path: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	/** Subject CN of the client certificate, when mTLS was used. */
	clientCert?: string;
	/** The client's port: one value per connection, to see keep-alive reuse. */
	remotePort?: number;
}

export interface Reply {
	status?: number;
	headers?: Record<string, string | string[]>;
	body?: unknown;
	delayMs?: number;
	/** Destroy the socket instead of answering. */
	destroy?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface RecordingServer {
	url: string;
	origin: string;
	port: number;
	requests: RecordedRequest[];
	setHandler(handler: Handler): void;
	close(): Promise<void>;
}

export interface ServerOptions {
	host?: string;
	/** A fixed port (default: any free one); a taken port rejects with EADDRINUSE. */
	port?: number;
	/** requestCert rejects clients without a certificate unless rejectUnauthorized is false (then it only records). */
	tls?: { cert: string; key: string; requestCert?: boolean; rejectUnauthorized?: boolean; ca?: string };
	handler?: Handler;
}

/** Listens, rejecting (instead of throwing an unhandled 'error') when the port is taken. */
export function listenOn(server: Server, port: number, host: string): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
}

const defaultHandler: Handler = (req) => ({ status: 200, body: { ok: true, path: req.path } });

export async function startRecordingServer(options: ServerOptions = {}): Promise<RecordingServer> {
	const requests: RecordedRequest[] = [];
	let handler = options.handler ?? defaultHandler;
	const listener: http.RequestListener = (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			const url = new URL(req.url ?? '/', 'http://x');
			const socket = req.socket as TLSSocket;
			const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
			const recorded: RecordedRequest = {
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				path: url.pathname,
				query: url.searchParams,
				headers: req.headers,
				body: Buffer.concat(chunks),
				clientCert: peer && peer.subject ? String(peer.subject.CN) : undefined,
				remotePort: req.socket.remotePort,
			};
			requests.push(recorded);
			try {
				const reply = await handler(recorded);
				if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
				if (reply.destroy) {
					req.socket.destroy();
					return;
				}
				const isBuffer = Buffer.isBuffer(reply.body);
				const isText = typeof reply.body === 'string';
				const payload = isBuffer ? (reply.body as Buffer) : isText ? (reply.body as string) : JSON.stringify(reply.body ?? {});
				const headers: Record<string, string | string[]> = { ...(isBuffer || isText ? {} : { 'content-type': 'application/json' }), ...reply.headers };
				res.writeHead(reply.status ?? 200, headers);
				res.end(payload);
			} catch (error) {
				res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(String(error));
			}
		});
	};
	const server = options.tls
		? https.createServer({ cert: options.tls.cert, key: options.tls.key, requestCert: options.tls.requestCert ?? false, rejectUnauthorized: options.tls.rejectUnauthorized ?? options.tls.requestCert ?? false, ca: options.tls.ca }, listener)
		: http.createServer(listener);
	server.keepAliveTimeout = 5_000;
	const host = options.host ?? '127.0.0.1';
	await listenOn(server, options.port ?? 0, host);
	const { port } = server.address() as AddressInfo;
	const origin = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
	return {
		url: origin,
		origin,
		port,
		requests,
		setHandler(next) {
			handler = next;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
