/**
 * How the client authenticates at the token endpoint:
 *   header / body                 client_secret_basic / client_secret_post (RFC 6749 §2.3.1)
 *   private_key_jwt               an assertion signed with the client's private key (RFC 7523 §2.2, OIDC Core §9)
 *   client_secret_jwt             an assertion signed (HS256) with the client secret
 *   tls_client_auth,
 *   self_signed_tls_client_auth   the TLS client certificate of the connection (RFC 8705 §2); only client_id is sent
 *   none                          only client_id, if any (the JWT bearer grant: the grant itself is signed)
 * Each token request gets its own assertion: fresh jti and iat, aud = the token endpoint.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { ModuleOptions } from 'simple-oauth2';
import type { KeyAuthFailure, KeyAuthMethod } from '../diagnosis';
import { ConfigError } from '../errors';
import type { CredentialReader } from '../auth/credentialReader';
import type { TlsSettings } from '../transport/tls';
import { displayUrl } from '../transport/send';
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm, readSigningKey, signAssertion, type SigningKey } from './assertion';

export type ClientAuthMethod = 'header' | 'body' | 'private_key_jwt' | 'client_secret_jwt' | 'tls_client_auth' | 'self_signed_tls_client_auth' | 'none';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['header', 'body', 'private_key_jwt', 'client_secret_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'];

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export const SIGNING_FIELDS = {
	key: 'Private Key',
	passphrase: 'Private Key Passphrase (Signing)',
	algorithm: 'Signing Algorithm',
	keyId: 'Key ID (kid)',
	certificate: 'Certificate (for x5t#S256)',
} as const;

export type ClientAuth =
	| { method: 'header' | 'body' | 'tls_client_auth' | 'self_signed_tls_client_auth' | 'none' }
	| { method: 'private_key_jwt' | 'client_secret_jwt'; signing: SigningKey };

/**
 * The signing key of private_key_jwt and of the JWT bearer grant, from the credential's fields;
 * `given` (a service-account JSON key's private_key and private_key_id) takes precedence.
 */
export function readSigning(reader: CredentialReader, given?: { pem: string; kid?: string }): SigningKey {
	const pem = given?.pem ?? (reader.secret('assertionPrivateKey', SIGNING_FIELDS.key, {
		required: true,
		fix: `Paste the PEM private key whose public key or certificate is registered with the provider, or a $env:/$file: reference to it.`,
	}) as string);
	return readSigningKey(
		{
			pem,
			passphrase: reader.secret('assertionKeyPassphrase', SIGNING_FIELDS.passphrase),
			alg: reader.option('assertionAlgorithm', SIGNING_FIELDS.algorithm, ASSERTION_ALGORITHMS, 'RS256') as AssertionAlgorithm,
			kid: given?.kid ?? reader.reference('assertionKeyId', SIGNING_FIELDS.keyId),
			certificate: reader.reference('assertionCertificate', SIGNING_FIELDS.certificate),
		},
		{ key: SIGNING_FIELDS.key, passphrase: SIGNING_FIELDS.passphrase, algorithm: SIGNING_FIELDS.algorithm, certificate: SIGNING_FIELDS.certificate },
	);
}

/** Reads and checks the client authentication; the fields named are those the editor shows. */
export function readClientAuth(
	reader: CredentialReader,
	fields: { clientAuth: string; clientSecret: string },
	clientSecret: string,
	tls: TlsSettings,
	allowed: readonly ClientAuthMethod[] = CLIENT_AUTH_METHODS,
): ClientAuth {
	const method = reader.option('authentication', fields.clientAuth, allowed, 'header');
	switch (method) {
		case 'private_key_jwt':
			return { method, signing: readSigning(reader) };
		case 'client_secret_jwt':
			if (!clientSecret) throw new ConfigError(fields.clientSecret, 'is empty, but client_secret_jwt signs with it', `Fill in ${fields.clientSecret}, or choose another Client Authentication.`);
			return { method, signing: { alg: 'HS256', secret: clientSecret } };
		case 'tls_client_auth':
		case 'self_signed_tls_client_auth':
			if (!tls.cert) {
				throw new ConfigError(fields.clientAuth, `${method} needs a TLS client certificate`, 'Turn on Custom TLS and fill in Client Certificate and Client Private Key (the certificate registered with the provider).');
			}
			return { method };
		default:
			return { method };
	}
}

/** For the trace and messages: the method, and the key id or certificate thumbprint. Never key material. */
export function describeClientAuth(auth: ClientAuth): string {
	if (auth.method !== 'private_key_jwt') return auth.method;
	const { signing } = auth;
	if (signing.alg === 'HS256') return auth.method;
	const id = signing.kid ? `kid=${signing.kid}` : signing.x5tS256 ? `x5t#S256=${signing.x5tS256}` : 'no kid';
	return `${auth.method}, ${signing.alg}, ${id}`;
}

/** What distinguishes one client authentication from another for the token key: method, algorithm, public key, key id. */
export function clientAuthIdentity(auth: ClientAuth): string {
	return auth.method === 'private_key_jwt' ? `${auth.method} ${signingIdentity(auth.signing)}` : auth.method;
}

/** A signing key as the token key sees it: algorithm, key id, certificate, and a hash of the public key. */
export function signingIdentity(signing: SigningKey): string {
	if (signing.alg === 'HS256') return signing.alg;
	const publicKey = createPublicKey(signing.key).export({ type: 'spki', format: 'der' });
	return [signing.alg, signing.kid ?? '', signing.x5tS256 ?? '', createHash('sha256').update(publicKey).digest('hex')].join(' ');
}

export interface ClientRequestParts {
	client: ModuleOptions<string>['client'];
	authorizationMethod: 'header' | 'body';
	/** Parameters the token request carries besides the grant's own. */
	params: Record<string, string>;
	/** The signed assertion of this request, for redaction. */
	assertion?: string;
}

/**
 * What one token request carries to authenticate the client, as simple-oauth2 takes it. In body
 * mode simple-oauth2 writes exactly two fields, named by idParamName and secretParamName: the
 * assertion goes into the second; a method that sends one field (or none) names a field twice
 * whose value the request has anyway, so nothing else is written (no empty client_secret).
 */
export function clientRequestParts(
	auth: ClientAuth,
	client: { id: string; secret: string; tokenUrl: URL },
	grantType: string,
	nowMs: number,
): ClientRequestParts {
	const fields = (first: [string, string], second: [string, string] = first): ModuleOptions<string>['client'] => ({
		idParamName: first[0],
		id: first[1],
		secretParamName: second[0],
		secret: second[1],
	});
	switch (auth.method) {
		case 'header':
		case 'body':
			return { client: { id: client.id, secret: client.secret }, authorizationMethod: auth.method, params: {} };
		case 'private_key_jwt':
		case 'client_secret_jwt': {
			const assertion = signAssertion({ iss: client.id, sub: client.id, aud: displayUrl(client.tokenUrl) }, auth.signing, nowMs);
			return {
				client: fields(['client_id', client.id], ['client_assertion', assertion]),
				authorizationMethod: 'body',
				params: { client_assertion_type: CLIENT_ASSERTION_TYPE },
				assertion,
			};
		}
		case 'tls_client_auth':
		case 'self_signed_tls_client_auth':
			return { client: fields(['client_id', client.id]), authorizationMethod: 'body', params: {} };
		case 'none':
			return { client: fields(client.id ? ['client_id', client.id] : ['grant_type', grantType]), authorizationMethod: 'body', params: {} };
	}
}

/** The errors by which servers refuse a client's key or certificate (and, for a signed grant, the grant). */
const REFUSALS = new Set(['invalid_client', 'unauthorized_client', 'invalid_request', 'invalid_grant']);

/** For the trace and messages: the key-based proof a token request carries (a signed grant, or the client's), if any. */
export function keyProof(settings: KeyAuthSubject): { method: KeyAuthMethod; described: string; audience: string } | undefined {
	const audience = displayUrl(settings.tokenUrl);
	if (settings.jwtBearer) {
		const { signing } = settings.jwtBearer;
		const id = signing.alg !== 'HS256' && signing.kid ? `kid=${signing.kid}` : 'no kid';
		return { method: 'jwt_bearer', described: `jwt-bearer, ${signing.alg}, ${id}`, audience: settings.jwtBearer.audience ?? audience };
	}
	const { method } = settings.clientAuth;
	if (method === 'header' || method === 'body' || method === 'none') return undefined;
	return { method, described: describeClientAuth(settings.clientAuth), audience };
}

interface KeyAuthSubject {
	clientAuth: ClientAuth;
	tokenUrl: URL;
	jwtBearer?: { signing: SigningKey; audience?: string };
}

/**
 * A refused token request of a key- or certificate-based client (or JWT bearer grant), to
 * diagnose (see diagnosis.ts); undefined for secret-based clients and unrelated errors. `date` is
 * the answer's Date header.
 */
export function keyAuthFailure(settings: KeyAuthSubject, oauthError: string, description: string | undefined, date: string | undefined, now: number): KeyAuthFailure | undefined {
	const proof = keyProof(settings);
	if (!proof || !REFUSALS.has(oauthError)) return undefined;
	// invalid_grant refuses the signed grant, not the client: only the JWT bearer grant's is about its key.
	if (oauthError === 'invalid_grant' && proof.method !== 'jwt_bearer') return undefined;
	// invalid_request is about a missing parameter far more often than about a key.
	if (oauthError === 'invalid_request' && !/client|assertion|certificate/i.test(description ?? '')) return undefined;
	const serverTime = date ? Date.parse(date) : NaN;
	return {
		...proof,
		description,
		...(Number.isFinite(serverTime) ? { skewMs: serverTime - now, serverTime: new Date(serverTime).toISOString() } : {}),
	};
}
