/**
 * Error types of the core. They carry what the user needs to fix the problem and never a secret:
 * callers build messages from field names, URLs without credentials, status codes and OAuth error codes.
 * The node turns them into NodeOperationError / NodeApiError (see nodes/.../errors.ts).
 */

/** A credential field or node parameter is missing or malformed: the user must change configuration. */
export class ConfigError extends Error {
	readonly field: string;
	readonly fix: string;

	constructor(field: string, problem: string, fix: string) {
		super(`${field}: ${problem}`);
		this.name = 'ConfigError';
		this.field = field;
		this.fix = fix;
	}
}

/** The request could not be completed at the network or TLS level. */
export class TransportError extends Error {
	readonly code: string;
	readonly url: string;
	readonly fix: string;
	/** True when the request may have reached the server before the failure (e.g. response timeout). */
	readonly maybeDelivered: boolean;

	constructor(message: string, opts: { code: string; url: string; fix: string; maybeDelivered: boolean }) {
		super(message);
		this.name = 'TransportError';
		this.code = opts.code;
		this.url = opts.url;
		this.fix = opts.fix;
		this.maybeDelivered = opts.maybeDelivered;
	}
}

/** The API answered with a status the node treats as failure. */
export class ApiResponseError extends Error {
	readonly status: number;
	readonly url: string;
	readonly fix: string;
	readonly body: string;

	constructor(message: string, opts: { status: number; url: string; fix: string; body: string }) {
		super(message);
		this.name = 'ApiResponseError';
		this.status = opts.status;
		this.url = opts.url;
		this.fix = opts.fix;
		this.body = opts.body;
	}
}

/** The OAuth2 token endpoint refused or failed a token request. */
export class TokenRequestError extends Error {
	readonly endpoint: string;
	readonly status?: number;
	readonly oauthError?: string;
	readonly oauthErrorDescription?: string;
	readonly fix: string;
	/** The grant itself is gone (refresh token revoked or expired): only a new grant helps. */
	readonly grantRevoked: boolean;
	/** The outcome is unknown: the server may have processed the request (timeout after sending). */
	readonly outcomeUnknown: boolean;
	/** Seconds the server asked us to wait (Retry-After), when it did. */
	readonly retryAfterSeconds?: number;

	constructor(
		message: string,
		opts: {
			endpoint: string;
			status?: number;
			oauthError?: string;
			oauthErrorDescription?: string;
			fix: string;
			grantRevoked?: boolean;
			outcomeUnknown?: boolean;
			retryAfterSeconds?: number;
		},
	) {
		super(message);
		this.name = 'TokenRequestError';
		this.endpoint = opts.endpoint;
		this.status = opts.status;
		this.oauthError = opts.oauthError;
		this.oauthErrorDescription = opts.oauthErrorDescription;
		this.fix = opts.fix;
		this.grantRevoked = opts.grantRevoked ?? false;
		this.outcomeUnknown = opts.outcomeUnknown ?? false;
		this.retryAfterSeconds = opts.retryAfterSeconds;
	}
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
