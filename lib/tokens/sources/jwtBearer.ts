/**
 * Token source: the JWT bearer grant (RFC 7523 §2.1), e.g. Google service accounts or
 * Salesforce's JWT bearer flow. Every token request (the first and each renewal) carries a new
 * signed assertion; there is no refresh token, so a renewal is a new grant.
 */
import { signingIdentity } from '../../oauth2/clientAuth';
import { jwtBearerAssertion, type JwtBearerSettings } from '../../oauth2/jwtBearer';
import type { OAuth2Settings } from '../../oauth2/settings';
import { requestJwtBearer } from '../../oauth2/simpleOAuth2';
import { displayUrl } from '../../transport/send';
import type { TokenCall, TokenSource } from '../source';
import { tokenAnswerReader } from './oauth2Grant';

export function jwtBearerSource(settings: OAuth2Settings): TokenSource {
	const endpoint = displayUrl(settings.tokenUrl);
	const read = tokenAnswerReader(settings, endpoint);
	// Read with the grant (settings.ts): present whenever the grant is jwtBearer.
	const jwtBearer = settings.jwtBearer as JwtBearerSettings;
	const obtain = async (call: TokenCall) => {
		const assertion = jwtBearerAssertion(jwtBearer, endpoint, settings.scopes, call.now());
		settings.remember?.(assertion);
		const state = read(await requestJwtBearer(settings, assertion, call, call.now), call.now());
		// RFC 7523 §2.1 grants no refresh token; one sent anyway is not used: the key makes new grants.
		return { ...state, refreshToken: undefined };
	};
	return {
		endpoint,
		canObtain: true,
		policy: { refreshMarginMs: settings.refreshMarginMs, refreshWindowShare: settings.refreshWindowShare },
		retryUnknownOutcome: false,
		identity: () => ({
			v: 1,
			source: 'jwtBearer',
			tokenUrl: settings.tokenUrl.href,
			issuer: jwtBearer.issuer,
			subject: jwtBearer.subject,
			audience: jwtBearer.audience ?? '',
			key: signingIdentity(jwtBearer.signing),
			scopes: [...settings.scopes].sort(),
			scopeIn: jwtBearer.scopeIn,
			tokenAudience: settings.audience ?? '',
			resources: [...settings.resources].sort(),
			extra: Object.entries(settings.extraParams).sort(),
		}),
		obtain,
		refresh: async (_state, call) => await obtain(call),
	};
}
