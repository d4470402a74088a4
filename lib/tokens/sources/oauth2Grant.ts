/**
 * Token source: an OAuth2 grant through simple-oauth2 (client credentials, password, or the
 * refresh token of an authorization-code credential), its answer read by tokenResponse.ts.
 */
import { clientAuthIdentity } from '../../oauth2/clientAuth';
import { jwtExpiry } from '../../oauth2/jwt';
import type { OAuth2Settings } from '../../oauth2/settings';
import { requestGrant, requestRefresh, type TokenPayload } from '../../oauth2/simpleOAuth2';
import { MissingAccessTokenError, parseTokenResponse } from '../../oauth2/tokenResponse';
import { TokenRequestError } from '../../errors';
import type { TokenState } from '../../stores/tokenStore';
import { displayUrl } from '../../transport/send';
import { sha256 } from '../key';
import type { TokenCall, TokenSource } from '../source';

/** Reads a token endpoint's answer by the credential's mapping; a missing token names the fix. */
export function tokenAnswerReader(settings: OAuth2Settings, endpoint: string) {
	return (payload: TokenPayload, now: number, previousRefreshToken?: string): TokenState => {
		try {
			return parseTokenResponse(payload, { mapping: settings.mapping, now, defaultLifetimeMs: settings.defaultLifetimeMs, previousRefreshToken });
		} catch (error) {
			if (!(error instanceof MissingAccessTokenError)) throw error;
			throw new TokenRequestError(`Token request to ${endpoint} failed: ${error.message}`, {
				endpoint,
				fix: 'Check the Access Token URL, or set Custom Token Response Fields if the provider names the token differently.',
			});
		}
	};
}

export function oauth2GrantSource(settings: OAuth2Settings): TokenSource {
	const endpoint = displayUrl(settings.tokenUrl);
	const read = tokenAnswerReader(settings, endpoint);
	return {
		endpoint,
		canObtain: settings.grant !== 'authorizationCode',
		policy: { refreshMarginMs: settings.refreshMarginMs, refreshWindowShare: settings.refreshWindowShare },
		retryUnknownOutcome: settings.retryUnknownOutcome,
		// Unchanged since the first release (v: 1), so stored state survives upgrades.
		identity: () => ({
			v: 1,
			tokenUrl: settings.tokenUrl.href,
			clientId: settings.clientId,
			secret: sha256(settings.clientSecret),
			grant: settings.grant,
			scopes: [...settings.scopes].sort(),
			audience: settings.audience ?? '',
			resources: [...settings.resources].sort(),
			extra: Object.entries(settings.extraParams).sort(),
			user: settings.username ?? '',
			password: settings.password ? sha256(settings.password) : '',
			seed: settings.seed ? sha256(settings.seed.refreshToken ?? settings.seed.accessToken ?? '') : '',
			// Only for the key- and certificate-based methods: state stored before they existed stays valid.
			...(settings.clientAuth.method === 'header' || settings.clientAuth.method === 'body' ? {} : { clientAuth: clientAuthIdentity(settings.clientAuth) }),
		}),
		seed(now) {
			const { seed } = settings;
			if (!seed) return undefined;
			const expiresAt = seed.accessToken ? (seed.expiresAt ?? jwtExpiry(seed.accessToken) ?? now + settings.defaultLifetimeMs) : 0;
			return {
				accessToken: seed.accessToken ?? '',
				refreshToken: seed.refreshToken,
				expiresAt,
				obtainedAt: now,
				expirySource: seed.expiresAt ? 'expires_at' : 'unknown',
			};
		},
		async obtain(call: TokenCall) {
			return read(await requestGrant(settings, call, call.now), call.now());
		},
		async refresh(state, call: TokenCall) {
			return read(await requestRefresh(settings, state.refreshToken, call, call.now), call.now(), state.refreshToken);
		},
	};
}
