/**
 * What a failure means and what the user should do about it: one table for HTTP statuses,
 * OAuth2 error codes and network / TLS error codes. Used by run-time errors and by the
 * credential test alike, so both say the same thing.
 */

export interface Diagnosis {
	/** Short statement of what happened. */
	summary: string;
	/** What to check or change. */
	fix: string;
}

export type MethodLabel = 'bearer' | 'apiKey' | 'basic' | 'oauth2' | 'tokenRequest';

const CREDENTIAL_WORD: Record<MethodLabel, string> = {
	bearer: 'token',
	apiKey: 'API key and where it is sent (header or query, parameter name)',
	basic: 'user name and password',
	oauth2: 'client ID, client secret, scope and audience',
	tokenRequest: 'login request and where the token is sent (Send Token In)',
};

export function diagnoseStatus(status: number, method?: MethodLabel): Diagnosis | undefined {
	if (status === 401) {
		// A pasted "Bearer " is removed from the token already (auth/bearer.ts): no hint about typing it.
		const what = method ? CREDENTIAL_WORD[method] : 'credential';
		return {
			summary: 'the API rejected the credential (401 Unauthorized)',
			fix: `Check the ${what}; it may be wrong, expired or revoked.`,
		};
	}
	if (status === 403) {
		return {
			summary: 'the credential was accepted but is not allowed to do this (403 Forbidden)',
			fix: method === 'oauth2'
				? 'Check the scope and audience of the credential and the role of the client at the provider.'
				: 'Check the permissions (scope, role) of this token or key at the provider.',
		};
	}
	if (status === 404) return { summary: 'the URL was not found (404)', fix: 'Check the URL and the base URL of the credential.' };
	if (status === 407) return { summary: 'the proxy requires authentication (407)', fix: 'Check the proxy user name and password.' };
	if (status === 429) {
		return {
			summary: 'the API is rate limiting requests (429)',
			fix: 'Lower Items in Flight; if the API asks for long waits (Retry-After), raise Maximum Wait or Maximum Attempts under Retries.',
		};
	}
	if (status >= 500) return { summary: `the API failed with a server error (${status})`, fix: 'Try again later; transient server errors are retried (Retries in the node options).' };
	return undefined;
}

export type GrantLabel = 'clientCredentials' | 'password' | 'authorizationCode' | 'jwtBearer';

const EMPTY_SECRET_FIX = 'The Client Secret field is empty: fill it in (a confidential client must authenticate), or check the Client Authentication setting if the provider expects the secret elsewhere.';

export function diagnoseOAuthError(code: string | undefined, grant: GrantLabel, refreshing: boolean, context: { clientSecretEmpty?: boolean } = {}): Diagnosis | undefined {
	// Providers answer a missing secret with invalid_client or invalid_request: the empty field is the cause to name.
	if (context.clientSecretEmpty && (code === 'invalid_client' || code === 'invalid_request' || code === 'unauthorized_client')) {
		return { summary: `the token endpoint did not accept the client without a secret (${code})`, fix: EMPTY_SECRET_FIX };
	}
	switch (code) {
		case 'invalid_client':
			return {
				summary: 'the token endpoint rejected the client (invalid_client)',
				fix: 'Check the client ID and client secret, and the Client Authentication setting (header or body) the provider expects.',
			};
		case 'invalid_grant':
			if (grant === 'password' && !refreshing) {
				return {
					summary: 'the token endpoint rejected the user name or password (invalid_grant)',
					fix: 'Check the user name and password of the credential.',
				};
			}
			if (grant === 'authorizationCode') {
				return {
					summary: 'the refresh token was rejected: it expired or was revoked (invalid_grant)',
					fix: 'Reconnect the credential (press Connect again, or paste a new refresh token).',
				};
			}
			return {
				summary: 'the token endpoint rejected the grant (invalid_grant)',
				fix: 'Check the grant settings of the credential; a new token is requested automatically on the next run.',
			};
		case 'invalid_scope':
			return {
				summary: 'the token endpoint refused the requested scope (invalid_scope)',
				fix: 'Check the Scope field: request only scopes this client is registered for.',
			};
		case 'unauthorized_client':
			return {
				summary: 'this client may not use this grant type (unauthorized_client)',
				fix: 'Enable the grant type for the client at the provider, or choose the grant the client is registered for.',
			};
		case 'unsupported_grant_type':
			return {
				summary: 'the token endpoint does not support this grant type (unsupported_grant_type)',
				fix: 'Choose a grant type the provider supports.',
			};
		case 'invalid_request':
			return {
				summary: 'the token endpoint found the request malformed (invalid_request)',
				fix: 'Check the extra token parameters, audience and resource fields.',
			};
		case 'invalid_target':
			return {
				summary: 'the token endpoint refused the requested resource (invalid_target)',
				fix: 'Check the Resource and Audience fields.',
			};
		default:
			return undefined;
	}
}

/** Client authentication (or a grant) that proves itself with a key or certificate instead of a shared secret. */
export type KeyAuthMethod = 'private_key_jwt' | 'client_secret_jwt' | 'tls_client_auth' | 'self_signed_tls_client_auth' | 'jwt_bearer';

export interface KeyAuthFailure {
	method: KeyAuthMethod;
	/** For messages, e.g. "private_key_jwt, RS256, kid=cert-1": never key material. */
	described: string;
	/** The assertion's aud. */
	audience: string;
	description?: string;
	/** The server's clock minus this host's, from the answer's Date header. */
	skewMs?: number;
	serverTime?: string;
}

/** Beyond this a server's Date differs from ours by more than its one-second resolution and the trip explain. */
const SKEW_LIMIT_MS = 10_000;
const TIME_WORDS = /(exp|iat|nbf)|expired|not yet valid|not active|in the future|time ?range|timeframe|clock/i;
const AUDIENCE_WORDS = /aud|audience/i;
const METHOD_WORDS = /auth(entication)?[ _]method|token_endpoint_auth|not configured to use|client_assertion_type/i;

/** What a refused key-based authentication most likely means, from the answer's description and Date header. */
export function diagnoseKeyAuthFailure(failure: KeyAuthFailure): Diagnosis {
	const { method, described, description = '', skewMs } = failure;
	const signs = method !== 'tls_client_auth' && method !== 'self_signed_tls_client_auth';
	if (signs && ((skewMs !== undefined && Math.abs(skewMs) > SKEW_LIMIT_MS) || TIME_WORDS.test(description))) {
		const seconds = skewMs === undefined ? undefined : Math.round(Math.abs(skewMs) / 1000);
		const clocks = seconds === undefined || !failure.serverTime
			? 'the server found the assertion expired or not yet valid (iat/exp)'
			: `the server's clock (${failure.serverTime}) is ${seconds} s ${(skewMs as number) > 0 ? 'ahead of' : 'behind'} this host's, so the assertion's iat/exp look ${(skewMs as number) > 0 ? 'expired' : 'not yet valid'} to it`;
		return {
			summary: `clock skew: ${clocks} (${described})`,
			fix: 'Synchronise the clock of the n8n host (and of every worker) with NTP: signed assertions are valid for 5 minutes from the moment they are made.',
		};
	}
	if (signs && AUDIENCE_WORDS.test(description)) {
		return {
			summary: `the server refused the assertion's audience (aud = ${failure.audience})`,
			fix: method === 'jwt_bearer'
				? 'Set Assertion Audience to the value the provider expects (usually its token endpoint, e.g. https://oauth2.googleapis.com/token; Salesforce: https://login.salesforce.com).'
				: 'Check the Access Token URL: the assertion\'s audience is that exact URL, and it must be the token endpoint the provider expects.',
		};
	}
	if (METHOD_WORDS.test(description)) {
		return {
			summary: `the client is not registered for this client authentication (${method}): the provider expects another token_endpoint_auth_method`,
			fix: `Choose the Client Authentication the client is registered for (the provider's app registration shows it), or register ${method} for the client at the provider.`,
		};
	}
	switch (method) {
		case 'private_key_jwt':
		case 'jwt_bearer':
			return {
				summary: `the provider did not accept the signed assertion (${described})`,
				fix: 'Check that the public key or certificate registered with the provider belongs to this Private Key, that Key ID (kid) names the registered key, and that the provider allows the signing algorithm. Microsoft Entra ID: upload the certificate under "Certificates & secrets" and paste it into Certificate (for x5t#S256).',
			};
		case 'client_secret_jwt':
			return {
				summary: `the provider did not accept the assertion signed with the client secret (${described})`,
				fix: 'Check the client secret (it signs the assertion with HS256), and that the client is registered for client_secret_jwt.',
			};
		default:
			return {
				summary: `the provider did not accept the TLS client certificate (${described})`,
				fix: method === 'tls_client_auth'
					? 'Check the certificate registered for the client (its subject DN or SAN must match the Client Certificate) and that the provider trusts the CA that issued it.'
					: 'Register this Client Certificate (its thumbprint or JWKS x5c) for the client at the provider.',
			};
	}
}

const TLS_UNTRUSTED = new Set([
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_UNTRUSTED',
	// A CA with the issuer's name but another key: the configured CA is not the one that signed.
	'CERT_SIGNATURE_FAILURE',
]);

/** Network and TLS failures, by Node error code (and message, where OpenSSL hides the reason there). */
export function diagnoseNetwork(
	code: string | undefined,
	message: string,
	host: string,
	context: { clientCertificate?: boolean; customCa?: boolean } = {},
): Diagnosis {
	const text = message.toLowerCase();
	if (code && TLS_UNTRUSTED.has(code)) {
		return {
			summary: `the certificate of ${host} is not trusted (${code})`,
			fix: context.customCa
				? 'The certificate in the credential\'s CA Certificate field did not sign the server certificate: paste the CA that did (the issuer of the server certificate, or its root).'
				: 'Add the CA certificate that signed the server certificate in the credential\'s CA Certificate field (Use Custom TLS).',
		};
	}
	if (code === 'CERT_HAS_EXPIRED') return { summary: `the certificate of ${host} has expired`, fix: 'Ask the API owner to renew the server certificate.' };
	if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
		return { summary: `the certificate of the server is not valid for the host name ${host}`, fix: 'Use the host name the certificate was issued for.' };
	}
	if (/alert unknown ca|alert bad certificate|alert certificate unknown|alert decrypt error/.test(text) && context.clientCertificate) {
		return {
			summary: `${host} did not accept the client certificate`,
			fix: 'Use a client certificate issued by a CA the server trusts, and check it has not expired.',
		};
	}
	if (/certificate required|alert handshake failure|alert bad certificate|peer did not return a certificate/.test(text)) {
		return {
			summary: `${host} requires a client certificate it accepts (mutual TLS)`,
			fix: 'Set the Client Certificate and Client Private Key in the credential\'s TLS settings, issued by a CA the server trusts.',
		};
	}
	if (/wrong version number|packet length too long|unexpected eof while reading|http request/.test(text) && /ssl|tls|eproto/.test(`${text} ${code?.toLowerCase()}`)) {
		return { summary: `${host} does not speak HTTPS on this port`, fix: 'Check the URL: use http:// if the service has no TLS, or the HTTPS port.' };
	}
	switch (code) {
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return { summary: `the host name ${host} could not be resolved (DNS)`, fix: 'Check the host name in the URL.' };
		case 'ECONNREFUSED':
			return { summary: `${host} refused the connection`, fix: 'Check the URL and port, and that the service is running.' };
		case 'ECONNRESET':
		case 'EPIPE':
			return {
				summary: `${host} closed the connection unexpectedly`,
				fix: context.clientCertificate
					? 'If the server requires mutual TLS, check that it trusts the CA of the client certificate; otherwise try again.'
					: 'Try again; if it persists, check TLS settings and any proxy in between.',
			};
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
		case 'ESOCKETTIMEDOUT':
			return { summary: `${host} did not answer in time`, fix: 'Check the URL, or raise the timeout if the service is slow.' };
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return { summary: `${host} cannot be reached from this n8n host`, fix: 'Check the URL, and proxy or firewall settings.' };
		case 'ERR_PROXY_UNREACHABLE':
			return {
				summary: `the proxy on the way to ${host} could not be reached`,
				fix: 'Check the proxy address (the node\'s Proxy option, or HTTPS_PROXY / HTTP_PROXY) and that the proxy is running.',
			};
		case 'ERR_PROXY_AUTH':
			return { summary: `the proxy on the way to ${host} requires authentication (407)`, fix: 'Check the user name and password in the proxy URL.' };
		case 'ERR_PROXY_TUNNEL':
			return {
				summary: `the proxy refused to connect to ${host}`,
				fix: 'Check that the proxy allows this host and port, or add the host to Bypass Proxy For (NO_PROXY).',
			};
		default:
			return { summary: `the connection to ${host} failed (${code ?? 'unknown error'})`, fix: 'Check the URL and the network path to the service.' };
	}
}
