/**
 * The API the benchmarks call, run in a child process so that its CPU time is not counted with
 * the client's. Answers every request with the same JSON body after a fixed delay.
 * Arguments: <latency ms> <body bytes>. Tells the parent its port over IPC.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const latencyMs = Number(process.argv[2] ?? 0);
const bodyBytes = Number(process.argv[3] ?? 64);

const skeleton = JSON.stringify({ id: 1, status: 'ok', payload: '' });
const body = Buffer.from(JSON.stringify({ id: 1, status: 'ok', payload: 'x'.repeat(Math.max(0, bodyBytes - skeleton.length)) }));
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = http.createServer((req, res) => {
	req.resume();
	req.on('end', () => {
		const answer = (): void => {
			res.writeHead(200, headers);
			res.end(body);
		};
		if (latencyMs > 0) setTimeout(answer, latencyMs);
		else answer();
	});
});
server.keepAliveTimeout = 60_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
