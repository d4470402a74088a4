/**
 * One keep-alive connection pool per TLS configuration and proxy (see proxy.ts), shared by the API
 * calls of every credential that uses the same settings; token calls get pools of their own that
 * open a new connection for each request (see tokenAgentFor).
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
const NEW_CONNECTION_EACH = { keepAlive: false };

export function agentsFor(tls: TlsSettings, proxy?: ProxyEndpoint, reuse = true): AgentPair {
	const key = `${proxy ? `${tls.fingerprint}|${proxy.key}` : tls.fingerprint}${reuse ? '' : '|new'}`;
	const known = pools.get(key);
	if (known) return known;
	const connections = reuse ? KEEP_ALIVE : NEW_CONNECTION_EACH;
	const tlsOptions: https.AgentOptions = {
		...connections,
		ca: tls.ca,
		cert: tls.cert,
		key: tls.key,
		passphrase: tls.passphrase,
		rejectUnauthorized: tls.rejectUnauthorized,
	};
	const pair: AgentPair = proxy
		? { http: new ForwardingHttpAgent(proxy, connections), https: new TunnelingHttpsAgent(proxy, tlsOptions) }
		: { http: new PooledHttpAgent(connections), https: new PooledHttpsAgent(tlsOptions) };
	pools.set(key, pair);
	return pair;
}

/** The pool for a request to `url`: through the proxy that applies to it and that the URL policy allows, if any. */
export function agentFor(url: URL, tls: TlsSettings, proxy?: ProxySettings, reuse = true): http.Agent {
	const pair = agentsFor(tls, proxyFor(url, proxy, tls.rejectUnauthorized), reuse);
	return url.protocol === 'https:' ? pair.https : pair.http;
}

/**
 * The pool for a token request to `url`: as agentFor, but a new connection for each request. A
 * server closes an idle keep-alive connection when it likes (Node's after 5 s); a request written
 * onto one as it closes fails with no answer, and for a refresh that is an unknown outcome (the
 * refresh token may be spent), which stops the credential's items until a retry. Token requests
 * are few, so a handshake each costs nothing that matters.
 */
export function tokenAgentFor(url: URL, tls: TlsSettings, proxy?: ProxySettings): http.Agent {
	return agentFor(url, tls, proxy, false);
}

/** Closes idle connections (tests and process shutdown). */
export function destroyAgents(): void {
	for (const pair of pools.values()) {
		pair.http.destroy();
		pair.https.destroy();
	}
	pools.clear();
}
