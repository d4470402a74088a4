/**
 * One keep-alive connection pool per TLS configuration and proxy (see proxy.ts), shared by API
 * calls and token calls of every credential that uses the same settings.
 */
import http from 'node:http';
import https from 'node:https';
import { type ProxyEndpoint, type ProxySettings, proxyFor } from './proxy';
import { ForwardingHttpAgent, TunnelingHttpsAgent } from './proxyAgents';
import type { TlsSettings } from './tls';

/**
 * simple-oauth2 deep-copies the HTTP options of every token request (@hapi/hoek clone), which
 * breaks a live agent ("Illegal invocation"). Hoek leaves objects alone whose prototype says
 * `isImmutable`, so the pools carry that mark.
 */
class PooledHttpAgent extends http.Agent {}
class PooledHttpsAgent extends https.Agent {}
for (const agentClass of [PooledHttpAgent, PooledHttpsAgent, ForwardingHttpAgent, TunnelingHttpsAgent]) {
	Object.defineProperty(agentClass.prototype, 'isImmutable', { value: true });
}

export interface AgentPair {
	http: http.Agent;
	https: https.Agent;
}

const pools = new Map<string, AgentPair>();

const KEEP_ALIVE = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, scheduling: 'lifo' as const };

export function agentsFor(tls: TlsSettings, proxy?: ProxyEndpoint): AgentPair {
	const key = proxy ? `${tls.fingerprint}|${proxy.key}` : tls.fingerprint;
	const known = pools.get(key);
	if (known) return known;
	const tlsOptions: https.AgentOptions = {
		...KEEP_ALIVE,
		ca: tls.ca,
		cert: tls.cert,
		key: tls.key,
		passphrase: tls.passphrase,
		rejectUnauthorized: tls.rejectUnauthorized,
	};
	const pair: AgentPair = proxy
		? { http: new ForwardingHttpAgent(proxy, KEEP_ALIVE), https: new TunnelingHttpsAgent(proxy, tlsOptions) }
		: { http: new PooledHttpAgent(KEEP_ALIVE), https: new PooledHttpsAgent(tlsOptions) };
	pools.set(key, pair);
	return pair;
}

/** The pool for a request to `url`: through the proxy that applies to it and that the URL policy allows, if any. */
export function agentFor(url: URL, tls: TlsSettings, proxy?: ProxySettings): http.Agent {
	const pair = agentsFor(tls, proxyFor(url, proxy, tls.rejectUnauthorized));
	return url.protocol === 'https:' ? pair.https : pair.http;
}

/** Closes idle connections (tests and process shutdown). */
export function destroyAgents(): void {
	for (const pair of pools.values()) {
		pair.http.destroy();
		pair.https.destroy();
	}
	pools.clear();
}
