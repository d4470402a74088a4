/** What each credential type brings: a reader of its fields and an authenticator for requests. */
import type { MethodLabel } from '../diagnosis';
import type { SecretRegistry } from '../security/secretRegistry';
import type { HttpResponse, OutgoingRequest } from '../transport/types';
import type { ConnectionSettings } from './connection';
import type { CredentialReader } from './credentialReader';
import type { CoreServices } from '../services';

/** Per item, what authentication did: never a secret. */
export interface AuthTrace {
	method: MethodLabel;
	tokenSource?: 'cache' | 'store' | 'fetched' | 'refreshed' | 'credential';
	expiresAt?: string;
	/** Which signal set that expiry: expires_in, expires_at, jwt (the token's exp), default. */
	expirySource?: string;
	/** Set when the request was sent again with a renewed token: what the API answered ("HTTP 401", "errcode = 40001"). */
	renewedBecause?: string;
	/** How the client authenticated at the token endpoint when it is not by secret, e.g. "private_key_jwt, RS256, kid=cert-1". */
	clientAuth?: string;
	/** Where each secret came from: "stored", "env:NAME" or "file:NAME". */
	secretSources?: Record<string, string>;
}

/** Per request (one item's exchange): what the authenticator needs to remember between attempts. */
export interface RequestContext {
	/** Epoch ms (on the core clock) by which the request must be done, token included. */
	deadline: number;
	/** The token sent with the last attempt. */
	sentToken?: string;
	/** A token the API rejected: not to be sent again. */
	rejectedToken?: string;
	/** Why the credential was renewed for a retry ("HTTP 401", "errcode = 40001"), once it was. */
	renewedBecause?: string;
	/** When (core clock) the credential was put on the last attempt. */
	appliedAt?: number;
}

export interface Authenticator {
	/** Adds the credential to a request about to be sent (may fetch a token first). */
	apply(request: OutgoingRequest, trace: AuthTrace, context: RequestContext): Promise<void> | void;
	/** Removes the credential from a request, e.g. before following a cross-origin redirect. */
	strip(request: OutgoingRequest): void;
	/**
	 * The API answered `response` to a request carrying this credential. Resolves true when the
	 * credential was renewed and one retry may succeed (a token after 401, or after a body that says
	 * "expired"); static credentials never renew.
	 */
	renew?(response: HttpResponse, trace: AuthTrace, context: RequestContext): Promise<boolean>;
	/** The API answered the attempt `apply` prepared (token credentials learn how long requests take). */
	answered?(context: RequestContext): void;
	/** Why `response` means "token expired" (for the error when it still does after the renewal). */
	expiredBy?(response: HttpResponse): string | undefined;
	/** Obtains what the first request needs (OAuth2: a token) and says what it got; for the credential test. */
	warmUp?(): Promise<string>;
}

export interface AuthDeps {
	connection: ConnectionSettings;
	secrets: SecretRegistry;
	services: CoreServices;
	/** The whole decrypted credential, for data n8n stores in it (OAuth2 Connect tokens). */
	raw: Record<string, unknown>;
}

export interface AuthMethod {
	/** Credential type name in n8n. */
	credentialType: string;
	label: MethodLabel;
	create(reader: CredentialReader, deps: AuthDeps): Authenticator;
}
