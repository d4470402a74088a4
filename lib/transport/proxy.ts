/**
 * Which HTTP proxy a request (API call or token call) goes through.
 *
 * Precedence, per setting:
 *   proxy        the node's Proxy option; else the environment: https_proxy / HTTPS_PROXY for
 *                https:// targets, http_proxy / HTTP_PROXY for http:// targets (lower case first,
 *                as curl reads them; no fallback from one scheme to the other);
 *   bypass list  the node's Bypass Proxy For option; else no_proxy / NO_PROXY (see noProxy.ts).
 * The proxy itself is spoken to in plain http (https:// targets stay encrypted end to end in a
 * CONNECT tunnel); its user and password come from the proxy URL and are sent as Basic auth.
 * The node option may be a $env:/$file: reference, so that a password need not sit in the workflow.
 * Whether a request may take the proxy at all is the URL policy's call (mayUseProxy in
 * security/urlPolicy.ts): loopback targets go directly, readable requests only to a listed proxy.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors';
import { resolveSecret } from '../security/secretReferences';
import type { SecretRegistry } from '../security/secretRegistry';
import { mayUseProxy, type UrlPolicy } from '../security/urlPolicy';
import { type BypassRule, bypassesProxy, parseBypassList } from './noProxy';

export interface ProxyEndpoint {
	/** The proxy without user and password, e.g. http://proxy.example.com:3128/. */
	url: URL;
	/** Proxy-Authorization header value, when the proxy URL has a user. */
	authorization?: string;
	/** Identifies proxy and credentials, for the connection pools. Holds no secret. */
	key: string;
	/** Where it was set (the node option or the environment variable), named in errors. */
	field: string;
}

export interface ProxySettings {
	http?: ProxyEndpoint;
	https?: ProxyEndpoint;
	bypass: BypassRule[];
	/** The credential's URL policy, which judges the proxy as part of the path. */
	policy: UrlPolicy;
}

/** The node's options; empty strings mean "not set". */
export interface ProxyInput {
	url?: string;
	bypass?: string;
}

/** The node option, as the editor names it. */
export const PROXY_FIELD = 'Proxy';

function decode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** Parses a proxy URL ("proxy:3128" is read as http://proxy:3128). The value is never quoted in errors: it may hold a password. */
export function parseProxyUrl(text: string, field: string, secrets: SecretRegistry): ProxyEndpoint {
	const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		throw new ConfigError(field, 'is not a valid proxy URL', 'Enter it as http://proxy.example.com:3128, with user:password@ before the host if the proxy needs them.');
	}
	if (url.protocol !== 'http:') {
		throw new ConfigError(
			field,
			`"${url.protocol}" proxies are not supported`,
			'Use the proxy\'s http:// address: https:// requests still travel encrypted end to end through it.',
		);
	}
	let authorization: string | undefined;
	if (url.username || url.password) {
		const user = decode(url.username);
		const password = decode(url.password);
		authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
		secrets.add(password, password ? `${user}:${password}` : undefined, url.password, authorization);
		url.username = '';
		url.password = '';
	}
	const key = `${url.origin}#${authorization ? createHash('sha256').update(authorization).digest('hex').slice(0, 16) : ''}`;
	return { url, authorization, key, field };
}

function firstSet(env: NodeJS.ProcessEnv, names: string[]): { name: string; value: string } | undefined {
	for (const name of names) {
		const value = env[name]?.trim();
		if (value) return { name, value };
	}
	return undefined;
}

/** The proxy settings of a session, or undefined when no proxy is configured anywhere. */
export function resolveProxy(input: ProxyInput, env: NodeJS.ProcessEnv, secrets: SecretRegistry, policy: UrlPolicy): ProxySettings | undefined {
	const bypassText = input.bypass?.trim() || firstSet(env, ['no_proxy', 'NO_PROXY'])?.value;
	// A $env:/$file: reference keeps a proxy password out of the workflow (see security/secretReferences.ts).
	const nodeProxy = resolveSecret(input.url, PROXY_FIELD, env)?.value.trim();
	if (nodeProxy) {
		const endpoint = parseProxyUrl(nodeProxy, PROXY_FIELD, secrets);
		return { http: endpoint, https: endpoint, bypass: parseBypassList(bypassText), policy };
	}
	const fromEnv = (names: string[]): ProxyEndpoint | undefined => {
		const found = firstSet(env, names);
		return found ? parseProxyUrl(found.value, found.name, secrets) : undefined;
	};
	const settings: ProxySettings = {
		http: fromEnv(['http_proxy', 'HTTP_PROXY']),
		https: fromEnv(['https_proxy', 'HTTPS_PROXY']),
		bypass: parseBypassList(bypassText),
		policy,
	};
	return settings.http || settings.https ? settings : undefined;
}

/**
 * The proxy for `url`, or undefined to connect directly; throws when the policy forbids the
 * proxy this request would take. `tlsVerified`: whether the credential checks TLS certificates.
 */
export function proxyFor(url: URL, settings: ProxySettings | undefined, tlsVerified: boolean): ProxyEndpoint | undefined {
	if (!settings) return undefined;
	const endpoint = url.protocol === 'https:' ? settings.https : settings.http;
	if (!endpoint || bypassesProxy(url, settings.bypass)) return undefined;
	return mayUseProxy(url, endpoint, settings.policy, tlsVerified) ? endpoint : undefined;
}
