/**
 * Signed JWT assertions (RFC 7523): client assertions for private_key_jwt / client_secret_jwt
 * (§2.2, OpenID Connect Core §9) and the authorization grant of the JWT bearer flow (§2.1).
 * Signed with Node's own crypto; a new jti for every assertion, so none is ever sent twice.
 */
import { createHash, createHmac, type KeyObject, randomUUID, sign, X509Certificate } from 'node:crypto';
import { ConfigError } from '../errors';
import { readPrivateKey } from '../transport/tls';

export type AssertionAlgorithm = 'RS256' | 'PS256' | 'ES256';
export const ASSERTION_ALGORITHMS: readonly AssertionAlgorithm[] = ['RS256', 'PS256', 'ES256'];

/** What signs an assertion: a private key (RS/PS/ES256) or the client secret (HS256). */
export type SigningKey =
	| { alg: AssertionAlgorithm; key: KeyObject; kid?: string; x5tS256?: string; x5t?: string }
	| { alg: 'HS256'; secret: string };

export interface AssertionClaims {
	iss: string;
	sub: string;
	aud: string;
	/** More claims, e.g. scope for Google's service accounts. */
	extra?: Record<string, string>;
}

/** Assertions live one minute more than the clock skew most servers allow; servers cap it (Entra: 10 min). */
export const ASSERTION_LIFETIME_S = 300;

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

export function signAssertion(claims: AssertionClaims, signing: SigningKey, nowMs: number): string {
	const iat = Math.floor(nowMs / 1000);
	const header: Record<string, string> = { alg: signing.alg, typ: 'JWT' };
	if (signing.alg !== 'HS256') {
		if (signing.kid) header.kid = signing.kid;
		if (signing.x5tS256) header['x5t#S256'] = signing.x5tS256;
		if (signing.x5t) header.x5t = signing.x5t;
	}
	const payload = { ...claims.extra, iss: claims.iss, sub: claims.sub, aud: claims.aud, iat, nbf: iat, exp: iat + ASSERTION_LIFETIME_S, jti: randomUUID() };
	const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
	return `${input}.${signature(input, signing).toString('base64url')}`;
}

function signature(input: string, signing: SigningKey): Buffer {
	switch (signing.alg) {
		case 'HS256':
			return createHmac('sha256', signing.secret).update(input).digest();
		case 'RS256':
			return sign('sha256', Buffer.from(input), signing.key);
		case 'PS256':
			return sign('sha256', Buffer.from(input), { key: signing.key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 });
		case 'ES256':
			// JWS wants r||s (RFC 7518 §3.4), not the DER sequence Node gives by default.
			return sign('sha256', Buffer.from(input), { key: signing.key, dsaEncoding: 'ieee-p1363' });
	}
}

export interface KeyFields {
	key: string;
	passphrase: string;
	certificate: string;
	algorithm: string;
}

/** Reads the private key for an algorithm, and the certificate's thumbprints when one is given. */
export function readSigningKey(input: { pem: string; passphrase?: string; alg: AssertionAlgorithm; kid?: string; certificate?: string }, fields: KeyFields): SigningKey {
	// Pasted JSON keys keep "\n" escaped when copied out of the file by hand.
	const pem = input.pem.includes('\\n') && !input.pem.includes('\n') ? input.pem.replace(/\\n/g, '\n') : input.pem;
	const key = readPrivateKey(pem, input.passphrase, fields);
	const type = key.asymmetricKeyType;
	const fits = input.alg === 'ES256' ? type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' : type === 'rsa' || (type === 'rsa-pss' && input.alg === 'PS256');
	if (!fits) {
		const wanted = input.alg === 'ES256' ? 'an EC key on the P-256 curve' : 'an RSA key';
		throw new ConfigError(fields.algorithm, `${input.alg} needs ${wanted}, but the private key is ${describeKey(key)}`, `Choose ${type === 'ec' ? 'ES256' : 'RS256 or PS256'}, or paste the matching key.`);
	}
	if (!input.certificate) return { alg: input.alg, key, kid: input.kid };
	let cert: X509Certificate;
	try {
		cert = new X509Certificate(input.certificate);
	} catch {
		throw new ConfigError(fields.certificate, 'this is not a PEM certificate', 'Paste the certificate registered with the provider, starting with "-----BEGIN CERTIFICATE-----".');
	}
	if (!cert.checkPrivateKey(key)) {
		throw new ConfigError(fields.certificate, 'the certificate does not belong to the private key', 'Paste the certificate that was made from this private key (the one registered with the provider).');
	}
	const thumbprint = (hash: 'sha1' | 'sha256') => createHash(hash).update(cert.raw).digest('base64url');
	return { alg: input.alg, key, kid: input.kid, x5tS256: thumbprint('sha256'), x5t: thumbprint('sha1') };
}

function describeKey(key: KeyObject): string {
	if (key.asymmetricKeyType === 'ec') return `an EC key (${key.asymmetricKeyDetails?.namedCurve ?? 'unknown curve'})`;
	return `a${key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss' ? 'n' : ''} ${key.asymmetricKeyType ?? 'unknown'} key`;
}
