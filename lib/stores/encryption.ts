/**
 * Token state at rest: AES-256-GCM with a key derived (HKDF-SHA256) from n8n's encryption key,
 * the record's store key as additional data (a record copied under another key does not open),
 * and a random IV per write. A record that was tampered with or truncated fails to open and is
 * treated as absent: the token is fetched again.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const VERSION = 1;
/** The full GCM tag: without pinning it, decipher.setAuthTag accepts tags as short as 4 bytes. */
const TAG_BYTES = 16;

export interface Envelope {
	v: number;
	iv: string;
	tag: string;
	data: string;
}

/** n8n's folder: $N8N_USER_FOLDER/.n8n, or ~/.n8n, as n8n itself resolves it. */
export function n8nFolder(env: NodeJS.ProcessEnv = process.env): string {
	return join(env.N8N_USER_FOLDER || homedir(), '.n8n');
}

/** N8N_ENCRYPTION_KEY, or the key n8n wrote into its settings file; undefined when neither exists. */
export function n8nEncryptionKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
	if (env.N8N_ENCRYPTION_KEY) return env.N8N_ENCRYPTION_KEY;
	const settings = join(n8nFolder(env), 'config');
	if (!existsSync(settings)) return undefined;
	try {
		const key = (JSON.parse(readFileSync(settings, 'utf8')) as { encryptionKey?: unknown }).encryptionKey;
		return typeof key === 'string' && key ? key : undefined;
	} catch {
		return undefined;
	}
}

/** A 32-byte key for one purpose (the info label), derived from n8n's encryption key: one secret, independent keys. */
export function deriveKey(n8nKey: string, info: string): Buffer {
	return Buffer.from(hkdfSync('sha256', n8nKey, 'n8n-nodes-api-auth', info, 32));
}

export class RecordCipher {
	private readonly key: Buffer;

	constructor(n8nKey: string) {
		this.key = deriveKey(n8nKey, 'token-store-v1');
	}

	seal(recordKey: string, value: unknown): string {
		const iv = randomBytes(12);
		const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
		cipher.setAAD(Buffer.from(recordKey, 'utf8'));
		const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
		const envelope: Envelope = { v: VERSION, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
		return JSON.stringify(envelope);
	}

	/** Opens a sealed record; throws on any tampering, truncation or wrong key. */
	open<T>(recordKey: string, sealed: string): T {
		const envelope = JSON.parse(sealed) as Envelope;
		if (envelope.v !== VERSION || typeof envelope.iv !== 'string' || typeof envelope.tag !== 'string' || typeof envelope.data !== 'string') {
			throw new Error('not a token record');
		}
		const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(envelope.iv, 'base64'), { authTagLength: TAG_BYTES });
		decipher.setAAD(Buffer.from(recordKey, 'utf8'));
		decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
		const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
		return JSON.parse(plain.toString('utf8')) as T;
	}
}
