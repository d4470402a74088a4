import { ConfigError } from '../../lib/errors';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { bypassesProxy, parseBypassList } from '../../lib/transport/noProxy';
import { parseProxyUrl, proxyFor, resolveProxy } from '../../lib/transport/proxy';

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

describe('proxy settings', () => {
	const env = { HTTPS_PROXY: 'http://https-proxy:3128', HTTP_PROXY: 'http-proxy:8080', NO_PROXY: 'internal.test' };

	it('the environment: HTTPS_PROXY for https, HTTP_PROXY for http (no scheme means http), NO_PROXY', () => {
		const settings = resolveProxy({}, env, new SecretRegistry());
		expect(proxyFor(new URL('https://api.test/'), settings)?.url.href).toBe('http://https-proxy:3128/');
		expect(proxyFor(new URL('http://api.test/'), settings)?.url.href).toBe('http://http-proxy:8080/');
		expect(proxyFor(new URL('https://svc.internal.test/'), settings)).toBeUndefined();
	});

	it('lower-case variables win; no fallback from one scheme to the other', () => {
		const settings = resolveProxy({}, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, new SecretRegistry());
		expect(proxyFor(new URL('https://api.test/'), settings)?.url.host).toBe('lower:1');
		expect(proxyFor(new URL('http://api.test/'), settings)).toBeUndefined();
		expect(resolveProxy({}, {}, new SecretRegistry())).toBeUndefined();
	});

	it('the node\'s options replace the environment, each on its own', () => {
		const both = resolveProxy({ url: 'http://node-proxy:3128', bypass: 'api.test' }, env, new SecretRegistry());
		expect(proxyFor(new URL('http://other.test/'), both)?.url.host).toBe('node-proxy:3128');
		expect(proxyFor(new URL('https://api.test/'), both)).toBeUndefined();
		expect(proxyFor(new URL('https://svc.internal.test/'), both)?.url.host).toBe('node-proxy:3128');
		const onlyBypass = resolveProxy({ bypass: '*' }, env, new SecretRegistry());
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
