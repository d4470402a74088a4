/**
 * Connection settings every credential type shares: base URL, test URL, allowed domains, the
 * plain-http switch and TLS. Declared once in credentials/shared, read once here.
 */
import { ConfigError } from '../errors';
import { ALLOWED_DOMAINS_FIELD, assertMaySendSecrets, parseAllowedDomains, type UrlPolicy } from '../security/urlPolicy';
import type { ProxySettings } from '../transport/proxy';
import { parseTls, TLS_FIELDS, type TlsSettings } from '../transport/tls';
import type { CredentialReader } from './credentialReader';

export interface ConnectionSettings {
	baseUrl?: URL;
	testUrl?: string;
	policy: UrlPolicy;
	tls: TlsSettings;
	/** Set by the session from the node's options and the environment (see transport/proxy.ts). */
	proxy?: ProxySettings;
}

export const BASE_URL_FIELD = 'Base URL';
export const TEST_URL_FIELD = 'Test URL';

export function parseHttpUrl(text: string, field: string, example = 'https://api.example.com'): URL {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new ConfigError(field, `"${text}" is not a valid URL`, `Enter a full URL such as ${example}.`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new ConfigError(field, `"${url.protocol}" URLs are not supported`, 'Use an https:// (or http://) URL.');
	}
	if (url.username || url.password) {
		throw new ConfigError(field, 'the URL contains a user name or password', 'Remove them from the URL and use the credential\'s fields instead.');
	}
	return url;
}

export function readConnection(reader: CredentialReader): ConnectionSettings {
	const baseText = reader.reference('baseUrl', BASE_URL_FIELD);
	const baseUrl = baseText ? parseHttpUrl(baseText, BASE_URL_FIELD) : undefined;
	const testUrl = reader.reference('testUrl', TEST_URL_FIELD);
	const policy: UrlPolicy = {
		allowedDomains: parseAllowedDomains(reader.string('allowedDomains', ALLOWED_DOMAINS_FIELD), baseUrl),
		allowPlainHttp: reader.boolean('allowPlainHttp'),
	};
	// Checked here so that a relative URL's failure names the field to change, not the URL that used it.
	if (baseUrl) assertMaySendSecrets(baseUrl, policy, BASE_URL_FIELD);
	const custom = reader.boolean('useCustomTls');
	const tls = parseTls(
		custom
			? {
				ca: reader.reference('tlsCa', TLS_FIELDS.ca),
				cert: reader.reference('tlsCert', TLS_FIELDS.cert),
				key: reader.secret('tlsKey', TLS_FIELDS.key),
				passphrase: reader.secret('tlsPassphrase', TLS_FIELDS.passphrase),
				ignoreErrors: reader.boolean('tlsIgnoreErrors'),
			}
			: { ignoreErrors: false },
	);
	return { baseUrl, testUrl, policy, tls };
}
