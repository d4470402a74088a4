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

export type MethodLabel = 'bearer' | 'apiKey' | 'basic' | 'oauth2';

const CREDENTIAL_WORD: Record<MethodLabel, string> = {
	bearer: 'token',
	apiKey: 'API key and where it is sent (header or query, parameter name)',
	basic: 'user name and password',
	oauth2: 'client ID, client secret, scope and audience',
};

export function diagnoseStatus(status: number, method?: MethodLabel): Diagnosis | undefined {
	if (status === 401) {
		const what = method ? CREDENTIAL_WORD[method] : 'credential';
		const extra = method === 'bearer' ? ' Enter the token only: do not type "Bearer" in the token field.' : '';
		return {
			summary: 'the API rejected the credential (401 Unauthorized)',
			fix: `Check the ${what}; it may be wrong, expired or revoked.${extra}`,
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

export type GrantLabel = 'clientCredentials' | 'password' | 'authorizationCode';

/**
 * Whether the answer means the refresh token is dead, so that only reconnecting helps:
 * invalid_grant (RFC 6749 §5.2) and GitHub's bad_refresh_token, sent with HTTP 200.
 */
export function revokesGrant(code: string | undefined, refreshing: boolean): boolean {
	return refreshing && (code === 'invalid_grant' || code === 'bad_refresh_token');
}

/** OAuth error codes (RFC 6749 §5.2, RFC 8707) and GitHub's own, which it sends with HTTP 200. */
export function diagnoseOAuthError(code: string | undefined, grant: GrantLabel, refreshing: boolean): Diagnosis | undefined {
	switch (code) {
		case 'incorrect_client_credentials':
		case 'invalid_client':
			return {
				summary: `the token endpoint rejected the client (${code})`,
				fix: 'Check the client ID and client secret, and the Client Authentication setting (header or body) the provider expects.',
			};
		case 'bad_refresh_token':
			return {
				summary: `the refresh token was rejected: it expired or was revoked (${code})`,
				fix: 'Reconnect the credential (press Connect again, or paste a new refresh token).',
			};
		case 'bad_verification_code':
			return {
				summary: 'the authorization code was rejected: it is wrong, used already or expired (bad_verification_code)',
				fix: 'Authorize again: an authorization code works once, within minutes of the authorization.',
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

const TLS_UNTRUSTED = new Set([
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_UNTRUSTED',
]);

/** Network and TLS failures, by Node error code (and message, where OpenSSL hides the reason there). */
export function diagnoseNetwork(code: string | undefined, message: string, host: string, context: { clientCertificate?: boolean } = {}): Diagnosis {
	const text = message.toLowerCase();
	if (code && TLS_UNTRUSTED.has(code)) {
		return {
			summary: `the certificate of ${host} is not trusted (${code})`,
			fix: 'Add the CA certificate that signed the server certificate in the credential\'s TLS settings.',
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
