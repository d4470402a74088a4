/**
 * Reads a decrypted credential: typed accessors that name the field (as the editor shows it) in
 * every error, resolve secret references, and remember each secret value for redaction and each
 * secret's origin for the auth trace.
 */
import { ConfigError } from '../errors';
import { assertHeaderValue } from '../security/headerSafety';
import type { SecretRegistry } from '../security/secretRegistry';
import { type ResolvedSecret, type SecretOrigin, resolveSecret } from '../security/secretReferences';

export type RawCredential = Record<string, unknown>;

export class CredentialReader {
	readonly origins: Record<string, SecretOrigin> = {};

	constructor(
		private readonly raw: RawCredential,
		private readonly secrets: SecretRegistry,
		private readonly env: NodeJS.ProcessEnv = process.env,
	) {}

	has(name: string): boolean {
		const value = this.raw[name];
		return value !== undefined && value !== null && String(value).trim() !== '';
	}

	string(name: string, label: string, opts: { required?: boolean; fix?: string } = {}): string | undefined {
		const value = this.raw[name];
		const text = value === undefined || value === null ? '' : String(value).trim();
		if (!text) {
			if (opts.required) throw new ConfigError(label, 'is empty', opts.fix ?? `Fill in ${label} in the credential.`);
			return undefined;
		}
		return text;
	}

	/**
	 * A header prefix: "Bearer" when the field is absent (credentials saved before it existed), none
	 * when the user cleared it, which n8n stores as an empty string.
	 */
	prefix(name: string, label: string): string {
		const value = this.raw[name];
		if (value === undefined || value === null) return 'Bearer';
		const prefix = String(value).trim();
		assertHeaderValue(prefix, label);
		return prefix;
	}

	boolean(name: string, fallback = false): boolean {
		const value = this.raw[name];
		return typeof value === 'boolean' ? value : fallback;
	}

	number(name: string, label: string, fallback: number, opts: { min?: number } = {}): number {
		const value = this.raw[name];
		if (value === undefined || value === null || value === '') return fallback;
		const parsed = Number(value);
		if (!Number.isFinite(parsed) || (opts.min !== undefined && parsed < opts.min)) {
			throw new ConfigError(label, `"${String(value)}" is not a valid number`, `Enter a number${opts.min !== undefined ? ` of at least ${opts.min}` : ''}.`);
		}
		return parsed;
	}

	option<T extends string>(name: string, label: string, allowed: readonly T[], fallback: T): T {
		const value = this.raw[name];
		if (value === undefined || value === null || value === '') return fallback;
		if (!allowed.includes(value as T)) {
			throw new ConfigError(label, `"${String(value)}" is not a known option`, `Choose one of: ${allowed.join(', ')}.`);
		}
		return value as T;
	}

	/** Registers values found elsewhere in the credential (e.g. tokens n8n stored) for redaction. */
	remember(...values: Array<string | undefined>): void {
		this.secrets.add(...values);
	}

	/**
	 * A field that may hold a $env:/$file: reference (resolved now), but is not secret: URLs, client
	 * ID, user names, certificates. Lets one exported credential point at staging or production.
	 * A value that came from a reference is still registered for redaction (see resolve).
	 */
	reference(name: string, label: string, opts: { required?: boolean; fix?: string } = {}): string | undefined {
		return this.resolve(name, label, opts, false)?.trim();
	}

	/** A secret field: a value or a $env:/$file: reference, resolved now and remembered for redaction. */
	secret(name: string, label: string, opts: { required?: boolean; fix?: string } = {}): string | undefined {
		const value = this.resolve(name, label, opts, true);
		this.secrets.add(value);
		return value;
	}

	/** The trace lists where every secret came from, and non-secret fields only when they were references. */
	private resolve(name: string, label: string, opts: { required?: boolean; fix?: string }, secret: boolean): string | undefined {
		const resolved: ResolvedSecret | undefined = resolveSecret(this.raw[name], label, this.env);
		if (!resolved || resolved.value.trim() === '') {
			if (opts.required) throw new ConfigError(label, 'is empty', opts.fix ?? `Fill in ${label} in the credential.`);
			return undefined;
		}
		if (secret || resolved.origin.source !== 'stored') this.origins[label] = resolved.origin;
		// A value read through a reference is another credential's secret as far as we know: never quoted, whatever the field.
		if (resolved.origin.source !== 'stored') this.secrets.add(resolved.value, resolved.value.trim());
		return resolved.value;
	}
}
