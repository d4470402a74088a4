/**
 * One HTTP exchange with axios: no redirects followed here (redirect rules live in exchange.ts),
 * every status returned as a response, network and TLS failures turned into TransportError with
 * a diagnosis. Nothing of axios' error (which holds the request headers) escapes.
 */
import axios from 'axios';
import type http from 'node:http';
import { diagnoseNetwork } from '../diagnosis';
import { TransportError } from '../errors';
import type { HttpResponse, OutgoingRequest } from './types';

export interface SendOptions {
	agent: http.Agent;
	timeoutMs: number;
	signal?: AbortSignal;
	/** Whether a client certificate is configured, for the diagnosis of TLS failures. */
	clientCertificate?: boolean;
	/** Whether the credential sets its own CA, for the same. */
	customCa?: boolean;
}

/** A URL as it may appear in messages: no credentials, no query string. */
export function displayUrl(url: URL | string): string {
	const parsed = typeof url === 'string' ? new URL(url) : url;
	return `${parsed.origin}${parsed.pathname}`;
}

const identity = <T>(data: T): T => data;

const client = axios.create({
	maxRedirects: 0,
	validateStatus: () => true,
	responseType: 'arraybuffer',
	transformRequest: [identity],
	transformResponse: [identity],
	decompress: true,
	transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
});

/** Codes after which the server may have received (and acted on) the request. */
const MAYBE_DELIVERED = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ECONNRESET', 'EPIPE', 'ERR_CANCELED', 'ESOCKETTIMEDOUT']);

export function toTransportError(error: unknown, url: URL, timeoutMs: number, tls: { clientCertificate?: boolean; customCa?: boolean } = {}): TransportError {
	const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
	const code = err.cause?.code ?? err.code;
	const message = `${err.message ?? ''} ${err.cause?.message ?? ''}`;
	const diagnosis = diagnoseNetwork(code, message, url.host, tls);
	const timedOut = code === 'ETIMEDOUT' || code === 'ECONNABORTED';
	const summary = timedOut ? `${url.host} did not answer within ${timeoutMs} ms` : diagnosis.summary;
	return new TransportError(`Request to ${displayUrl(url)} failed: ${summary}`, {
		code: code ?? 'UNKNOWN',
		url: displayUrl(url),
		fix: diagnosis.fix,
		maybeDelivered: MAYBE_DELIVERED.has(code ?? ''),
	});
}

export async function send(request: OutgoingRequest, options: SendOptions): Promise<HttpResponse> {
	const isHttps = request.url.protocol === 'https:';
	try {
		const response = await client.request<Buffer>({
			method: request.method,
			url: request.url.href,
			headers: request.headers,
			data: request.body,
			timeout: options.timeoutMs,
			httpAgent: isHttps ? undefined : options.agent,
			httpsAgent: isHttps ? options.agent : undefined,
			// Proxies are in the agents (transport/proxy.ts): axios must not apply HTTP(S)_PROXY a second time.
			proxy: false,
			signal: options.signal,
		});
		const body = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? '');
		return {
			status: response.status,
			statusText: response.statusText ?? '',
			headers: { ...(response.headers as Record<string, string | string[] | undefined>) },
			body,
			url: request.url.href,
		};
	} catch (error) {
		throw toTransportError(error, request.url, options.timeoutMs, options);
	}
}
