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
	/** n8n's "Allowed HTTP Request Domains" is "None": no API call, token calls still allowed (as in n8n). */
	refuseApiCalls: boolean;
	/** Set by the session from the node's options and the environment (see transport/proxy.ts). */
	proxy?: ProxySettings;
}

export const BASE_URL_FIELD = 'Base URL';
export const TEST_URL_FIELD = 'Test URL';

export const HTTP_REQUEST_DOMAINS_FIELD = 'Allowed HTTP Request Domains';

/**
 * n8n's domain setting (on OAuth types) and the package's list, with n8n's meaning: "all" leaves
 * the list as the package reads it (empty: the base URL's host), "domains" requires a list,
 * "none" refuses API calls. Credentials without the setting read as "all".
 */
function readDomainSetting(reader: CredentialReader, baseUrl: URL | undefined): { allowedDomains: string[]; refuseApiCalls: boolean } {
	const mode = reader.string('allowedHttpRequestDomains', HTTP_REQUEST_DOMAINS_FIELD) || 'all';
	if (mode !== 'all' && mode !== 'domains' && mode !== 'none') {
		throw new ConfigError(HTTP_REQUEST_DOMAINS_FIELD, `"${mode}" is not a known choice`, 'Choose All, Specific Domains or None.');
	}
	const listed = reader.string('allowedDomains', ALLOWED_DOMAINS_FIELD);
	if (mode === 'domains' && !listed?.trim()) {
		throw new ConfigError(
			ALLOWED_DOMAINS_FIELD,
			`is empty while ${HTTP_REQUEST_DOMAINS_FIELD} is "Specific Domains"`,
			`List the hosts this credential may be sent to (e.g. "api.example.com"), or choose All in ${HTTP_REQUEST_DOMAINS_FIELD}.`,
		);
	}
	return { allowedDomains: parseAllowedDomains(listed, baseUrl), refuseApiCalls: mode === 'none' };
}

/** Throws before an API call when n8n's domain setting says "None". */
export function assertApiCallsAllowed(connection: ConnectionSettings): void {
	if (!connection.refuseApiCalls) return;
	throw new ConfigError(
		HTTP_REQUEST_DOMAINS_FIELD,
		'is "None", so this credential may not be used for requests',
		`Choose All or Specific Domains (with Allowed Domains) in the credential's ${HTTP_REQUEST_DOMAINS_FIELD} if this node may use it.`,
	);
}

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
	const { allowedDomains, refuseApiCalls } = readDomainSetting(reader, baseUrl);
	const policy: UrlPolicy = { allowedDomains, allowPlainHttp: reader.boolean('allowPlainHttp') };
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
	return { baseUrl, testUrl, policy, tls, refuseApiCalls };
}
