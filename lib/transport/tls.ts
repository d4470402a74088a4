/**
 * TLS settings of a credential: CA certificates, client certificate and key (mTLS), and the
 * explicit "ignore TLS errors" switch. PEM inputs are checked here, once, with messages that
 * name the field and the fix; the result is what Node's https/tls modules take.
 */
import { createHash, createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { ConfigError } from '../errors';

export interface TlsInput {
	ca?: string;
	cert?: string;
	key?: string;
	passphrase?: string;
	ignoreErrors: boolean;
}

export interface TlsSettings {
	ca?: string[];
	cert?: string;
	key?: string;
	passphrase?: string;
	rejectUnauthorized: boolean;
	/** Identifies these settings (hash), to share one connection pool per TLS configuration. */
	fingerprint: string;
}

export const TLS_FIELDS = {
	ca: 'CA Certificate',
	cert: 'Client Certificate',
	key: 'Client Private Key',
	passphrase: 'Private Key Passphrase',
} as const;

/** BEGIN and END lines; labels are short (RFC 7468), so one pass over the text finds them all. */
const PEM_MARKER = /-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----/g;

/**
 * The PEM blocks of a text, in one linear pass: a block runs from a BEGIN line to the next END
 * line of the same label, with content between them; a later BEGIN replaces an unfinished one
 * (blocks do not nest). Text around and between blocks is ignored.
 */
function pemBlocks(text: string): Array<{ label: string; pem: string }> {
	const blocks: Array<{ label: string; pem: string }> = [];
	let open: { label: string; start: number; contentStart: number } | undefined;
	for (const marker of text.matchAll(PEM_MARKER)) {
		const [line, kind, label] = marker;
		if (kind === 'BEGIN') open = { label, start: marker.index, contentStart: marker.index + line.length };
		else if (open && open.label === label && marker.index > open.contentStart) {
			blocks.push({ label, pem: text.slice(open.start, marker.index + line.length) });
			open = undefined;
		}
	}
	return blocks;
}

function certificates(text: string, field: string): string[] {
	const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
	if (blocks.length === 0) {
		throw new ConfigError(
			field,
			'this is not a PEM certificate',
			'Paste the certificate in PEM form, starting with "-----BEGIN CERTIFICATE-----".',
		);
	}
	for (const block of blocks) {
		try {
			new X509Certificate(block.pem);
		} catch {
			throw new ConfigError(field, 'a certificate in this field cannot be read', 'Paste the complete PEM certificate again.');
		}
	}
	return blocks.map((b) => b.pem);
}

/** A PEM private key, with errors that name the fields it came from (TLS or assertion signing). */
export function readPrivateKey(pem: string, passphrase: string | undefined, fields: { key: string; passphrase: string } = TLS_FIELDS): KeyObject {
	if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
		throw new ConfigError(
			fields.key,
			'this is not a PEM private key',
			'Paste the private key in PEM form, starting with "-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY).',
		);
	}
	const encrypted = /ENCRYPTED/.test(pem);
	try {
		return createPrivateKey({ key: pem, format: 'pem', passphrase: passphrase ?? '' });
	} catch (error) {
		if (encrypted && !passphrase) {
			throw new ConfigError(fields.passphrase, 'the private key is encrypted and no passphrase is set', 'Enter the key\'s passphrase.');
		}
		if (encrypted || /bad decrypt|passphrase/i.test(String((error as Error).message))) {
			throw new ConfigError(fields.passphrase, 'the passphrase does not decrypt the private key', 'Check the passphrase.');
		}
		throw new ConfigError(fields.key, 'the private key cannot be read', 'Paste the complete PEM private key again.');
	}
}

/** Parsed settings, and refusals too: a bad value is not parsed again at every Test or run. */
const cache = new Map<string, TlsSettings | ConfigError>();

export function parseTls(input: TlsInput): TlsSettings {
	const hash = createHash('sha256');
	// Length-prefixed fields: no two inputs hash alike, and a 1 MiB value is not copied to be hashed.
	for (const field of [input.ca ?? '', input.cert ?? '', input.key ?? '', input.passphrase ?? '', String(input.ignoreErrors)]) hash.update(`${field.length}:`).update(field);
	const fingerprint = hash.digest('hex');
	const known = cache.get(fingerprint) ?? remember(fingerprint, () => parse(input, fingerprint));
	if (known instanceof ConfigError) throw known;
	return known;
}

function remember(fingerprint: string, run: () => TlsSettings): TlsSettings | ConfigError {
	let result: TlsSettings | ConfigError;
	try {
		result = run();
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		result = error;
	}
	if (cache.size > 100) cache.clear();
	cache.set(fingerprint, result);
	return result;
}

function parse(input: TlsInput, fingerprint: string): TlsSettings {
	const settings: TlsSettings = { rejectUnauthorized: !input.ignoreErrors, fingerprint };
	if (input.ca?.trim()) settings.ca = certificates(input.ca, TLS_FIELDS.ca);
	const hasCert = Boolean(input.cert?.trim());
	const hasKey = Boolean(input.key?.trim());
	if (hasCert !== hasKey) {
		const missing = hasCert ? TLS_FIELDS.key : TLS_FIELDS.cert;
		throw new ConfigError(missing, 'is empty, but mutual TLS needs both the client certificate and its private key', `Fill in ${missing}, or clear the other field.`);
	}
	if (hasCert && hasKey) {
		const [cert, ...chain] = certificates(input.cert as string, TLS_FIELDS.cert);
		const key = readPrivateKey(input.key as string, input.passphrase || undefined);
		if (!new X509Certificate(cert).checkPrivateKey(key)) {
			throw new ConfigError(
				TLS_FIELDS.key,
				'the private key does not belong to the client certificate',
				'Paste the key that was generated together with this certificate.',
			);
		}
		settings.cert = [cert, ...chain].join('\n');
		settings.key = input.key;
		if (input.passphrase) settings.passphrase = input.passphrase;
	}
	return settings;
}

/** The same settings without the client certificate: for requests that must not authenticate (after a cross-origin redirect). */
export function withoutClientCertificate(tls: TlsSettings): TlsSettings {
	if (!tls.cert) return tls;
	return { ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized, fingerprint: `${tls.fingerprint}-no-client-certificate` };
}
