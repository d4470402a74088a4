/**
 * The one place that knows every secret value of the active credential and scrubs them from
 * anything that leaves the package: error texts, node output, logs and the auth trace.
 *
 * A value is also recognised in the forms it takes on the way out: URL-encoded (both
 * encodeURIComponent and form encoding), base64 / base64url, and escaped inside JSON.
 */

export const REDACTED = '[redacted]';

/** Shorter values cannot be scrubbed without destroying unrelated text; see README "Security". */
const MIN_SECRET_LENGTH = 4;
/** Long secrets (PEM keys) are also matched line by line, so a quoted fragment is caught too. */
const MIN_FRAGMENT_LENGTH = 16;

function variants(secret: string): string[] {
	const forms = new Set<string>([secret]);
	const uriEncoded = encodeURIComponent(secret);
	forms.add(uriEncoded);
	forms.add(uriEncoded.replace(/%20/g, '+'));
	forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
	const b64 = Buffer.from(secret, 'utf8').toString('base64');
	forms.add(b64);
	forms.add(b64.replace(/=+$/, ''));
	forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
	forms.add(JSON.stringify(secret).slice(1, -1));
	if (secret.includes('\n')) {
		for (const line of secret.split(/\r?\n/)) {
			const trimmed = line.trim();
			if (trimmed.length >= MIN_FRAGMENT_LENGTH && !trimmed.startsWith('-----')) forms.add(trimmed);
		}
	}
	return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
	private readonly pattern: RegExp | undefined;
	private readonly secrets: readonly string[];
	/** The same forms as latin1 text of their UTF-8 bytes, for file bodies (built on first use). */
	private bytePattern: RegExp | undefined;

	constructor(secrets: Iterable<string | undefined>) {
		const all = new Set<string>();
		for (const secret of secrets) {
			if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) continue;
			for (const form of variants(secret)) all.add(form);
		}
		// Longest first, so a value is replaced whole before any of its fragments.
		this.secrets = [...all].sort((a, b) => b.length - a.length);
		this.pattern = this.secrets.length
			? new RegExp(this.secrets.map(escapeRegExp).join('|'), 'g')
			: undefined;
	}

	/** A redactor that also knows the given values (e.g. a token fetched during the run). */
	with(more: Iterable<string | undefined>): Redactor {
		return new Redactor([...this.secrets, ...more]);
	}

	get isEmpty(): boolean {
		return this.pattern === undefined;
	}

	/** Quick check, for hot paths: does the text contain any secret form at all? */
	contains(text: string): boolean {
		if (!this.pattern) return false;
		this.pattern.lastIndex = 0;
		return this.pattern.test(text);
	}

	text(text: string): string {
		if (!this.pattern) return text;
		this.pattern.lastIndex = 0;
		return text.replace(this.pattern, REDACTED);
	}

	/** File bytes with every secret form replaced; every other byte stays exactly as it was. */
	bytes(data: Buffer): Buffer {
		if (!this.pattern) return data;
		this.bytePattern ??= new RegExp(this.secrets.map((form) => escapeRegExp(Buffer.from(form, 'utf8').toString('latin1'))).join('|'), 'g');
		const text = data.toString('latin1');
		this.bytePattern.lastIndex = 0;
		if (!this.bytePattern.test(text)) return data;
		this.bytePattern.lastIndex = 0;
		return Buffer.from(text.replace(this.bytePattern, REDACTED), 'latin1');
	}

	/** Deep copy of a JSON-like value with every string scrubbed (keys included). */
	value<T>(value: T): T {
		if (!this.pattern) return value;
		return this.walk(value, new WeakMap()) as T;
	}

	private walk(value: unknown, seen: WeakMap<object, unknown>): unknown {
		if (typeof value === 'string') return this.text(value);
		if (value === null || typeof value !== 'object') return value;
		if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
		const known = seen.get(value);
		if (known !== undefined) return known;
		if (Array.isArray(value)) {
			const copy: unknown[] = [];
			seen.set(value, copy);
			for (const entry of value) copy.push(this.walk(entry, seen));
			return copy;
		}
		const copy: Record<string, unknown> = {};
		seen.set(value, copy);
		for (const [key, entry] of Object.entries(value)) copy[this.text(key)] = this.walk(entry, seen);
		return copy;
	}
}
