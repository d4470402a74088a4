/**
 * The JWT bearer grant (RFC 7523 §2.1): the credential signs an assertion about itself (issuer,
 * subject, audience, scope) and exchanges it for a token; no refresh token, a new assertion for
 * every renewal. A pasted service-account JSON key (Google's format: client_email, private_key,
 * private_key_id, token_uri) fills issuer, subject, key, key id and token URL, and takes
 * precedence over those fields: n8n cannot fill other fields when a value is pasted.
 */
import type { CredentialReader } from '../auth/credentialReader';
import { ConfigError } from '../errors';
import { signAssertion, type SigningKey } from './assertion';
import { readSigning } from './clientAuth';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export const JWT_BEARER_FIELDS = {
	serviceAccount: 'Service Account JSON Key',
	issuer: 'Issuer (iss)',
	subject: 'Subject (sub)',
	audience: 'Assertion Audience (aud)',
	scopeIn: 'Send Scope As',
} as const;

export interface JwtBearerSettings {
	signing: SigningKey;
	issuer: string;
	subject: string;
	/** Absent: the token URL, as RFC 7523 §3 and Google expect. */
	audience?: string;
	/** Google wants the scope as a claim, RFC 7523 servers as a request parameter; both is the safe default. */
	scopeIn: 'both' | 'claim' | 'parameter';
}

interface ServiceAccountKey {
	client_email?: string;
	private_key?: string;
	private_key_id?: string;
	token_uri?: string;
}

/** The pasted JSON key, when there is one: the fields it fills, and the token URL it names. */
export function readServiceAccountKey(reader: CredentialReader): ServiceAccountKey | undefined {
	const text = reader.secret('serviceAccountKey', JWT_BEARER_FIELDS.serviceAccount);
	if (!text) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new ConfigError(JWT_BEARER_FIELDS.serviceAccount, 'is not valid JSON', 'Paste the whole key file as downloaded from the provider (it starts with "{"), or clear the field and fill in the individual fields.');
	}
	const key = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
	const text_ = (name: string) => (typeof key[name] === 'string' && key[name] ? (key[name] as string) : undefined);
	if (!text_('private_key') || !text_('client_email')) {
		throw new ConfigError(JWT_BEARER_FIELDS.serviceAccount, 'has no "private_key" or "client_email"', 'Paste a service-account key file (JSON) that holds "client_email" and "private_key".');
	}
	reader.remember(text_('private_key'));
	return { client_email: text_('client_email'), private_key: text_('private_key'), private_key_id: text_('private_key_id'), token_uri: text_('token_uri') };
}

export function readJwtBearer(reader: CredentialReader, key: ServiceAccountKey | undefined): JwtBearerSettings {
	const signing = readSigning(reader, key?.private_key ? { pem: key.private_key, kid: key.private_key_id } : undefined);
	const issuer = key?.client_email ?? reader.reference('assertionIssuer', JWT_BEARER_FIELDS.issuer, {
		required: true,
		fix: `Fill in ${JWT_BEARER_FIELDS.issuer} (the service account's e-mail, or the client ID the provider gave you), or paste a service-account JSON key.`,
	}) as string;
	return {
		signing,
		issuer,
		subject: reader.reference('assertionSubject', JWT_BEARER_FIELDS.subject) ?? issuer,
		audience: reader.reference('assertionAudience', JWT_BEARER_FIELDS.audience),
		scopeIn: reader.option('assertionScopeIn', JWT_BEARER_FIELDS.scopeIn, ['both', 'claim', 'parameter'] as const, 'both'),
	};
}

/** The assertion of one token request: fresh iat, exp and jti every time. */
export function jwtBearerAssertion(settings: JwtBearerSettings, tokenUrl: string, scopes: string[], nowMs: number): string {
	const scope = scopes.length && settings.scopeIn !== 'parameter' ? { scope: scopes.join(' ') } : undefined;
	return signAssertion({ iss: settings.issuer, sub: settings.subject, aud: settings.audience ?? tokenUrl, extra: scope }, settings.signing, nowMs);
}
