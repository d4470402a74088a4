/**
 * Token source: a login request configured in the credential (tokenRequest/settings.ts), and
 * optionally a refresh request, their answers read by tokenRequest/answer.ts.
 */
import type http from 'node:http';
import { TokenRequestError } from '../../errors';
import type { SecretRegistry } from '../../security/secretRegistry';
import type { TokenState } from '../../stores/tokenStore';
import { AnswerError, EXPIRY_LABELS, readAnswer } from '../../tokenRequest/answer';
import { buildTokenRequest, sendTokenRequest } from '../../tokenRequest/call';
import type { RequestSpec, TokenRequestSettings } from '../../tokenRequest/settings';
import { displayUrl } from '../../transport/send';
import { sha256 } from '../key';
import type { TokenCall, TokenSource } from '../source';

const hashed = (value: string | undefined): string => (value ? sha256(value) : '');

function requestIdentity(spec: RequestSpec | undefined): unknown {
	return spec && { url: spec.url.href, method: spec.method, auth: spec.auth, templates: spec.templates.map(hashed) };
}

/** Where the token was found and when it expires, for the credential test. */
export function describeToken(settings: TokenRequestSettings, state: TokenState, now: number): string {
	const { token, expiry } = settings.answer;
	const where = token.from === 'json' ? `at path \`${token.path}\`` : token.from === 'text' ? 'as the whole (plain-text) answer' : token.from === 'header' ? `in the \`${token.name}\` header` : `in the \`${token.name}\` cookie`;
	const signal = state.expirySource === 'jwt'
		? 'the JWT exp claim'
		: state.expirySource === 'default'
			? 'the fixed lifetime'
			: 'path' in expiry
				? `\`${expiry.path}\`, ${EXPIRY_LABELS[expiry.kind]}`
				: 'the cookie\'s Max-Age / Expires';
	const minutes = Math.max(0, Math.round((state.expiresAt - now) / 60_000));
	return `Token found ${where}, refresh token: ${state.refreshToken ? 'yes' : 'no'}, expires in ${minutes} min (from ${signal}).`;
}

/**
 * `poolFor` gives the connection pool for a request URL (the login and refresh endpoints may
 * differ in scheme or proxy); the manager's pool is the login URL's.
 */
export function tokenRequestSource(settings: TokenRequestSettings, secrets: SecretRegistry, poolFor: (url: URL) => http.Agent): TokenSource {
	const endpoint = displayUrl(settings.login.url);

	const run = async (spec: RequestSpec, call: TokenCall, refreshToken?: string): Promise<TokenState> => {
		const values = { ...settings.values, refreshToken };
		const response = await sendTokenRequest(spec, buildTokenRequest(spec, settings, values), {
			call: { ...call, agent: poolFor(spec.url) },
			redactor: secrets.redactor,
			refusedStatuses: refreshToken === undefined ? undefined : settings.refresh?.refusedStatuses,
		});
		try {
			return readAnswer(response, settings.answer, { now: call.now(), previousRefreshToken: refreshToken, remember: (...found) => secrets.add(...found) });
		} catch (error) {
			if (!(error instanceof AnswerError)) throw error;
			const what = refreshToken === undefined ? 'Login request' : 'Refresh request';
			throw new TokenRequestError(`${what} to ${displayUrl(spec.url)} answered ${response.status}, but ${error.message}`, { endpoint: displayUrl(spec.url), status: response.status, fix: error.fix });
		}
	};

	return {
		endpoint,
		canObtain: true,
		policy: { refreshMarginMs: settings.refreshMarginMs, refreshWindowShare: settings.refreshWindowShare },
		retryUnknownOutcome: settings.retryUnknownOutcome,
		identity: () => ({
			kind: 'tokenRequest',
			v: 1,
			login: requestIdentity(settings.login),
			refresh: requestIdentity(settings.refresh),
			refused: settings.refresh?.refusedStatuses ?? [],
			username: settings.values.username ?? '',
			password: hashed(settings.values.password),
			clientId: settings.values.clientId ?? '',
			clientSecret: hashed(settings.values.clientSecret),
			apiKey: hashed(settings.values.apiKey),
			apiKeyHeader: settings.apiKeyHeader,
			answer: settings.answer,
		}),
		obtain: async (call) => await run(settings.login, call),
		// Without a refresh request the login is the renewal; the manager only refreshes with a refresh token.
		refresh: async (state, call) => (settings.refresh ? await run(settings.refresh, call, state.refreshToken) : await run(settings.login, call)),
		describe: (state, now) => describeToken(settings, state, now),
	};
}
