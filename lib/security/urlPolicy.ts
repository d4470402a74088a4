/**
 * Where a credential may be sent: the allowed-domains list and the HTTPS rule. Checked before
 * any secret leaves the process: on API calls, token calls, credential tests and redirects.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors';

export interface UrlPolicy {
	/** Lower-case host patterns: `api.example.com` or `*.example.com`. Empty: any host. */
	allowedDomains: readonly string[];
	/** Whether secrets may travel over plain http to hosts that are not loopback. */
	allowPlainHttp: boolean;
}

export const ALLOWED_DOMAINS_FIELD = 'Allowed Domains';
export const ALLOW_PLAIN_HTTP_FIELD = 'Allow Plain HTTP';

function hostOf(entry: string): string {
	const text = entry.includes('://') ? new URL(entry).hostname : entry.replace(/:\d+$/, '');
	return text.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** Parses the allowed-domains field; when it is empty the base URL's host is the default. */
export function parseAllowedDomains(raw: string | undefined, baseUrl: URL | undefined): string[] {
	const entries = (raw ?? '')
		.split(/[\s,]+/)
		.map((entry) => entry.trim())
		.filter(Boolean);
	if (entries.length === 0) return baseUrl ? [hostOf(baseUrl.hostname)] : [];
	return entries.map((entry) => {
		let host: string;
		try {
			host = hostOf(entry);
		} catch {
			host = '';
		}
		const bare = host.startsWith('*.') ? host.slice(2) : host;
		if (!bare || bare.includes('*') || /[^a-z0-9.\-:]/.test(bare)) {
			throw new ConfigError(
				ALLOWED_DOMAINS_FIELD,
				`"${entry}" is not a host name`,
				'List host names separated by commas, e.g. "api.example.com, *.example.org".',
			);
		}
		return host;
	});
}

/**
 * Loopback by its text alone: exact `localhost`, 127.0.0.0/8, ::1. Other names under `.localhost`
 * do not count: the system resolver may send them to DNS (RFC 6761 only asks it not to).
 */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
	if (host === 'localhost') return true;
	if (isIP(host) === 4) return host.startsWith('127.');
	if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
	return false;
}

export function hostMatches(hostname: string, pattern: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
	if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
	return host === pattern;
}

export function isHostAllowed(hostname: string, policy: UrlPolicy): boolean {
	return policy.allowedDomains.length === 0 || policy.allowedDomains.some((p) => hostMatches(hostname, p));
}

/**
 * Throws unless a request carrying secrets may go to `url`. `field` names the parameter or
 * credential field the URL came from, so the message tells the user what to change.
 */
export function assertMaySendSecrets(url: URL, policy: UrlPolicy, field: string): void {
	if (!isHostAllowed(url.hostname, policy)) {
		throw new ConfigError(
			field,
			`host "${url.hostname}" is not in the credential's allowed domains (${policy.allowedDomains.join(', ')})`,
			`Add "${url.hostname}" to the credential's ${ALLOWED_DOMAINS_FIELD} field if this host may receive the credential.`,
		);
	}
	if (url.protocol === 'http:' && !policy.allowPlainHttp && !isLoopbackHost(url.hostname)) {
		throw new ConfigError(
			field,
			`"${url.origin}" uses plain http, which would send the credential unencrypted`,
			`Use https://, or turn on the credential's ${ALLOW_PLAIN_HTTP_FIELD} switch if this network is trusted.`,
		);
	}
}

/**
 * The proxy rule: a proxy is part of the network path, so the policy judges it too. Through a
 * proxy, a verified https:// request is an opaque tunnel (the proxy sees host and port, never
 * the credential); anything else the proxy can read: http:// targets, and https:// targets
 * whose TLS errors are ignored (a proxy that terminates the tunnel then passes as the server).
 *   - A loopback target is reached directly: a proxy would take it off this machine.
 *   - A request the proxy could read is refused before anything is sent.
 * Both unless the proxy's host is listed in Allowed Domains (the list as parsed, so the base
 * URL's host when the field is empty): that is the explicit "this proxy may see the credential".
 * Returns whether to go through the proxy (false: connect directly).
 */
export function mayUseProxy(target: URL, proxy: { url: URL; field: string }, policy: UrlPolicy, tlsVerified: boolean): boolean {
	const listed = policy.allowedDomains.some((pattern) => hostMatches(proxy.url.hostname, pattern));
	if (listed) return true;
	if (isLoopbackHost(target.hostname)) return false;
	if (target.protocol === 'https:' && tlsVerified) return true;
	const why = target.protocol === 'http:' ? `"${target.origin}" is plain http` : 'TLS errors are ignored for this credential';
	throw new ConfigError(
		proxy.field,
		`the proxy ${proxy.url.host} could read the credential (${why}), and it is not in the credential's allowed domains`,
		`Use https:// with TLS verification on, or add "${proxy.url.hostname}" to the credential's ${ALLOWED_DOMAINS_FIELD} field if this proxy may see the credential.`,
	);
}
