import { ConfigError } from '../../lib/errors';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { bypassesProxy, parseBypassList } from '../../lib/transport/noProxy';
import { isLoopbackHost, mayUseProxy, type UrlPolicy } from '../../lib/security/urlPolicy';
import { parseProxyUrl, type ProxyInput, proxyFor as proxyForTls, resolveProxy } from '../../lib/transport/proxy';
import { refusal } from '../support/refusal';

const bypass = (list: string, url: string) => bypassesProxy(new URL(url), parseBypassList(list));

describe('bypass list (NO_PROXY)', () => {
	it('a domain matches itself and its subdomains, with or without a leading dot or *.', () => {
		for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.com.']) {
			expect(bypass(entry, 'https://api.example.com/x')).toBe(true);
		}
		expect(bypass('example.com', 'https://example.com/')).toBe(true);
		expect(bypass('example.com', 'https://badexample.com/')).toBe(false);
		expect(bypass('api.example.com', 'https://example.com/')).toBe(false);
	});

	it('ports: only that port, defaults included', () => {
		expect(bypass('example.com:8443', 'https://example.com:8443/')).toBe(true);
		expect(bypass('example.com:8443', 'https://example.com/')).toBe(false);
		expect(bypass('example.com:443', 'https://example.com/')).toBe(true);
		expect(bypass('127.0.0.1:80', 'http://127.0.0.1/')).toBe(true);
	});

	it('addresses and CIDR ranges, IPv4 and IPv6; no DNS', () => {
		expect(bypass('10.0.0.0/8', 'http://10.20.30.40/')).toBe(true);
		expect(bypass('10.0.0.0/8', 'http://11.0.0.1/')).toBe(false);
		expect(bypass('127.0.0.1', 'http://127.0.0.1:3000/')).toBe(true);
		expect(bypass('::1', 'http://[::1]:8080/')).toBe(true);
		expect(bypass('[0:0:0:0:0:0:0:1]:8080', 'http://[::1]:8080/')).toBe(true);
		expect(bypass('fd00::/8', 'http://[fd12::1]/')).toBe(true);
		expect(bypass('localhost', 'http://127.0.0.1/')).toBe(false);
	});

	it('* bypasses everything; an empty list nothing; separators are commas or spaces', () => {
		expect(bypass('*', 'https://anything.example/')).toBe(true);
		expect(bypass('', 'https://anything.example/')).toBe(false);
		expect(bypass('a.test b.test,  c.test', 'https://b.test/')).toBe(true);
	});
});

/** Proxy selection on its own: every proxy of these tests is listed, so the URL policy never intervenes. */
const LISTED: UrlPolicy = { allowedDomains: ['https-proxy', 'http-proxy', 'lower', 'upper', 'node-proxy'], allowPlainHttp: true };
const resolveListed = (input: ProxyInput, env: NodeJS.ProcessEnv) => resolveProxy(input, env, new SecretRegistry(), LISTED);
const proxyFor = (url: URL, settings: ReturnType<typeof resolveListed>) => proxyForTls(url, settings, true);

describe('proxy settings', () => {
	const env = { HTTPS_PROXY: 'http://https-proxy:3128', HTTP_PROXY: 'http-proxy:8080', NO_PROXY: 'internal.test' };

	it('the environment: HTTPS_PROXY for https, HTTP_PROXY for http (no scheme means http), NO_PROXY', () => {
		const settings = resolveListed({}, env);
		expect(proxyFor(new URL('https://api.test/'), settings)?.url.href).toBe('http://https-proxy:3128/');
		expect(proxyFor(new URL('http://api.test/'), settings)?.url.href).toBe('http://http-proxy:8080/');
		expect(proxyFor(new URL('https://svc.internal.test/'), settings)).toBeUndefined();
	});

	it('lower-case variables win; no fallback from one scheme to the other', () => {
		const settings = resolveListed({}, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' });
		expect(proxyFor(new URL('https://api.test/'), settings)?.url.host).toBe('lower:1');
		expect(proxyFor(new URL('http://api.test/'), settings)).toBeUndefined();
		expect(resolveListed({}, {})).toBeUndefined();
	});

	it('the node\'s options replace the environment, each on its own', () => {
		const both = resolveListed({ url: 'http://node-proxy:3128', bypass: 'api.test' }, env);
		expect(proxyFor(new URL('http://other.test/'), both)?.url.host).toBe('node-proxy:3128');
		expect(proxyFor(new URL('https://api.test/'), both)).toBeUndefined();
		expect(proxyFor(new URL('https://svc.internal.test/'), both)?.url.host).toBe('node-proxy:3128');
		const onlyBypass = resolveListed({ bypass: '*' }, env);
		expect(proxyFor(new URL('https://api.test/'), onlyBypass)).toBeUndefined();
	});

	it('credentials in the URL become a Basic header, are registered as secrets, and leave the URL and the pool key', () => {
		const secrets = new SecretRegistry();
		const endpoint = parseProxyUrl('http://us%40er:p%40ss-w0rd-9@proxy.test:3128', 'Proxy', secrets);
		expect(endpoint.authorization).toBe(`Basic ${Buffer.from('us@er:p@ss-w0rd-9').toString('base64')}`);
		expect(endpoint.url.href).toBe('http://proxy.test:3128/');
		expect(endpoint.key).not.toContain('p@ss');
		expect(secrets.redactor.text('x p@ss-w0rd-9 y')).toBe('x [redacted] y');
	});

	it('refuses https:// and socks proxies and malformed URLs, naming the field and not the value', () => {
		const secrets = new SecretRegistry();
		expect(() => parseProxyUrl('https://proxy.test', 'HTTPS_PROXY', secrets)).toThrow('HTTPS_PROXY: "https:" proxies are not supported');
		expect(() => parseProxyUrl('socks5://proxy.test', 'Proxy', secrets)).toThrow(ConfigError);
		expect(() => parseProxyUrl('http://u:s3cr3t@[bad', 'Proxy', secrets)).toThrow('Proxy: is not a valid proxy URL');
	});
});

describe('the proxy rule (the URL policy judges the proxy as part of the path)', () => {
	const corporate = { url: new URL('http://proxy.corp.test:3128/'), field: 'HTTPS_PROXY' };
	const policy = (allowedDomains: string[], allowPlainHttp = true): UrlPolicy => ({ allowedDomains, allowPlainHttp });

	it('a verified https:// request goes through any proxy: the tunnel hides the credential', () => {
		expect(mayUseProxy(new URL('https://api.example.com/'), corporate, policy(['api.example.com']), true)).toBe(true);
	});

	it('a request the proxy could read (http://, or TLS errors ignored) is refused unless the proxy is listed', () => {
		expect(() => mayUseProxy(new URL('http://api.example.com/'), corporate, policy(['api.example.com']), true)).toThrow(
			'HTTPS_PROXY: the proxy proxy.corp.test:3128 could read the credential ("http://api.example.com" is plain http), and it is not in the credential\'s allowed domains',
		);
		const tlsIgnored = refusal(() => mayUseProxy(new URL('https://api.example.com/'), corporate, policy(['api.example.com']), false));
		expect(tlsIgnored.message).toMatch(/TLS errors are ignored/);
		expect(tlsIgnored.fix).toBe(
			'Use https:// with TLS verification on, or add "proxy.corp.test" to the credential\'s Allowed Domains field if this proxy may see the credential.',
		);
		// An empty list allows any target host, but lists no proxy.
		expect(() => mayUseProxy(new URL('http://api.example.com/'), corporate, policy([]), true)).toThrow(ConfigError);
		expect(mayUseProxy(new URL('http://api.example.com/'), corporate, policy(['api.example.com', '*.corp.test']), true)).toBe(true);
	});

	it('a loopback target is reached directly, unless the proxy is listed', () => {
		for (const target of ['http://127.0.0.1:8080/', 'https://localhost/', 'http://[::1]/']) {
			expect(mayUseProxy(new URL(target), corporate, policy([]), false)).toBe(false);
		}
		expect(mayUseProxy(new URL('http://127.0.0.1/'), corporate, policy(['127.0.0.1', 'proxy.corp.test']), true)).toBe(true);
	});

	it('proxyFor applies it, after the bypass list', () => {
		const settings = resolveProxy({}, { HTTP_PROXY: 'http://proxy.corp.test:3128', NO_PROXY: 'api.example.com' }, new SecretRegistry(), policy([]));
		expect(proxyForTls(new URL('http://127.0.0.1/'), settings, true)).toBeUndefined();
		expect(proxyForTls(new URL('http://api.example.com/'), settings, true)).toBeUndefined();
		expect(() => proxyForTls(new URL('http://other.example.com/'), settings, true)).toThrow(/^HTTP_PROXY: the proxy/);
	});
});

describe('loopback by name', () => {
	it('only exact localhost and literal loopback addresses count; *.localhost names may go to DNS', () => {
		for (const host of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.9.8.7', '[::1]', '::1']) expect(isLoopbackHost(host)).toBe(true);
		for (const host of ['api.localhost', 'evil.localhost', 'localhost.example.com', '128.0.0.1', '::2', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(false);
	});
});
