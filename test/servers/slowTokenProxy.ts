/**
 * A slow link in front of a token endpoint, on 127.0.0.1: it forwards POST /token to the real
 * OAuth2 server and can make a request slow in one of two ways, chosen per request:
 *   'request'   hold the request before forwarding it: a client that goes away meanwhile never
 *               reaches the provider (a slow network, or a queue in front of the provider);
 *   'response'  forward at once and hold the answer: the provider has already rotated the refresh
 *               token while the client still waits (a slow provider, an HSM-backed signer).
 * It records every exchange: when the request came, when and what the provider answered (the
 * expires_in it gave), and whether the answer reached the client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Slowness = { hold: 'request' | 'response'; ms: number } | undefined;

export interface Exchange {
	receivedAt: number;
	/** When the answer was delivered to the client (or found no client any more). */
	answeredAt?: number;
	status?: number;
	expiresIn?: number;
	error?: string;
	delivered: boolean;
}

export interface SlowTokenProxy {
	tokenUrl: string;
	/** Requests received from clients. */
	received: number;
	/** Requests that reached the provider. */
	forwarded: number;
	/** Answers the provider gave that the client was no longer there to receive. */
	undelivered: number;
	/** Answers delivered to the client. */
	delivered: number;
	exchanges: Exchange[];
	/** How slow requests are, by their number (from 0 since the last reset), until set again. */
	setSlowness(slowness: Slowness | ((index: number) => Slowness)): void;
	/** Forgets the exchanges and counts, and makes requests fast again. */
	reset(): void;
	close(): Promise<void>;
}

function parse(body: Buffer): { expires_in?: number; error?: string } {
	try {
		return JSON.parse(body.toString('utf8')) as { expires_in?: number; error?: string };
	} catch {
		return {};
	}
}

export async function startSlowTokenProxy(target: string): Promise<SlowTokenProxy> {
	const upstream = new URL(target);
	let slowness: Slowness | ((index: number) => Slowness);
	let count = 0;
	const wait = (ms: number, gone: () => boolean) =>
		new Promise<void>((resolve) => {
			const started = Date.now();
			const tick = setInterval(() => {
				if (gone() || Date.now() - started >= ms) {
					clearInterval(tick);
					resolve();
				}
			}, 20);
		});

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		let gone = false;
		res.on('close', () => {
			if (!res.writableFinished) gone = true;
		});
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', async () => {
			proxy.received++;
			const exchange: Exchange = { receivedAt: Date.now(), delivered: false };
			proxy.exchanges.push(exchange);
			const current = typeof slowness === 'function' ? slowness(count++) : (count++, slowness);
			if (current?.hold === 'request') await wait(current.ms, () => gone);
			if (gone) return;
			proxy.forwarded++;
			const forward = http.request(
				// A new connection each time: a reused one that the provider closes as the request goes out would fail it here, not in the package.
				{ host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers: req.headers, agent: false },
				(answer) => {
					const body: Buffer[] = [];
					answer.on('data', (chunk: Buffer) => body.push(chunk));
					answer.on('end', async () => {
						if (current?.hold === 'response') await wait(current.ms, () => gone);
						const payload = parse(Buffer.concat(body));
						Object.assign(exchange, { answeredAt: Date.now(), status: answer.statusCode, expiresIn: payload.expires_in, error: payload.error });
						if (gone) {
							proxy.undelivered++;
							return;
						}
						proxy.delivered++;
						exchange.delivered = true;
						res.writeHead(answer.statusCode ?? 502, answer.headers);
						res.end(Buffer.concat(body));
					});
				},
			);
			forward.on('error', () => {
				if (!gone) res.destroy();
			});
			forward.end(Buffer.concat(chunks));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const proxy: SlowTokenProxy = {
		tokenUrl: `http://127.0.0.1:${port}/token`,
		received: 0,
		forwarded: 0,
		undelivered: 0,
		delivered: 0,
		exchanges: [],
		setSlowness(next) {
			slowness = next;
		},
		reset() {
			slowness = undefined;
			count = 0;
			Object.assign(proxy, { received: 0, forwarded: 0, undelivered: 0, delivered: 0, exchanges: [] });
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
	return proxy;
}
