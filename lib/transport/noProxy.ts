/**
 * NO_PROXY-style bypass lists: which hosts are reached directly although a proxy is set.
 *
 * Entries are separated by commas or spaces:
 *   *                      every host
 *   example.com            example.com and its subdomains (so is .example.com or *.example.com)
 *   example.com:8443       the same, on that port only
 *   10.1.2.3, ::1, [::1]   that IP address
 *   10.0.0.0/8, fd00::/8   an address range (CIDR)
 * Host names are compared without DNS: 127.0.0.1 does not match "localhost".
 */
import { BlockList, isIP } from 'node:net';

export type BypassRule =
	| { kind: 'all' }
	| { kind: 'domain'; domain: string; port?: number }
	/** An address or a range (CIDR). */
	| { kind: 'address'; list: BlockList; port?: number };

function bare(host: string): string {
	return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function splitPort(entry: string): { host: string; port?: number } {
	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
	if (bracketed) return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
	if (isIP(entry) === 6) return { host: entry };
	const withPort = /^(.*):(\d+)$/.exec(entry);
	return withPort ? { host: withPort[1], port: Number(withPort[2]) } : { host: entry };
}

const familyName = (family: number): 'ipv4' | 'ipv6' => (family === 4 ? 'ipv4' : 'ipv6');

function rangeRule(entry: string): BypassRule | undefined {
	const match = /^([^/]+)\/(\d{1,3})$/.exec(entry);
	if (!match) return undefined;
	const family = isIP(bare(match[1]));
	const prefix = Number(match[2]);
	if (!family || prefix > (family === 4 ? 32 : 128)) return undefined;
	const list = new BlockList();
	list.addSubnet(bare(match[1]), prefix, familyName(family));
	return { kind: 'address', list };
}

function addressRule(address: string, port: number | undefined): BypassRule {
	const list = new BlockList();
	list.addAddress(address, familyName(isIP(address)));
	return { kind: 'address', list, port };
}

/** Parses a bypass list; entries that are not host names, addresses or ranges are ignored. */
export function parseBypassList(text: string | undefined): BypassRule[] {
	const rules: BypassRule[] = [];
	for (const raw of (text ?? '').split(/[\s,]+/)) {
		const entry = raw.trim();
		if (!entry) continue;
		if (entry === '*') {
			rules.push({ kind: 'all' });
			continue;
		}
		const range = rangeRule(entry);
		if (range) {
			rules.push(range);
			continue;
		}
		const { host, port } = splitPort(entry);
		const name = bare(host).replace(/^\*?\./, '');
		if (!name) continue;
		rules.push(isIP(name) ? addressRule(name, port) : { kind: 'domain', domain: name, port });
	}
	return rules;
}

function effectivePort(url: URL): number {
	if (url.port) return Number(url.port);
	return url.protocol === 'https:' ? 443 : 80;
}

export function bypassesProxy(url: URL, rules: readonly BypassRule[]): boolean {
	if (rules.length === 0) return false;
	const host = bare(url.hostname);
	const family = isIP(host);
	const port = effectivePort(url);
	return rules.some((rule) => {
		switch (rule.kind) {
			case 'all':
				return true;
			case 'address':
				return family !== 0 && rule.list.check(host, familyName(family)) && (rule.port === undefined || rule.port === port);
			case 'domain':
				return (host === rule.domain || host.endsWith(`.${rule.domain}`)) && (rule.port === undefined || rule.port === port);
		}
	});
}
