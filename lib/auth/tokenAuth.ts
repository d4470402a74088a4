/**
 * What every token-based credential does with its token source: a token manager over the
 * package's store, the token placed in the request, and an API's "token expired" answer turned
 * into one renewal and one more attempt.
 */
import { assertMaySendSecrets } from '../security/urlPolicy';
import { storeSettings, tokenStore } from '../stores/selectStore';
import { TokenManager } from '../tokens/manager';
import type { TokenSource } from '../tokens/source';
import { agentFor } from '../transport/agents';
import { removeHeader, setHeader } from '../transport/headers';
import { authorizationValue } from './bearer';
import { type ExpiredSignal, expiredReason } from './expiredSignal';
import type { AuthDeps, Authenticator, AuthTrace, RequestContext } from './types';

/** Where the token goes: the Authorization header with a prefix, or a query parameter. */
export type TokenPlacement = { kind: 'header'; prefix: string } | { kind: 'query'; name: string };

export interface TokenUse {
	/** Where token requests go, checked against the credential's URL policy before each one. */
	tokenUrl: URL;
	/** The field that holds that URL, for the policy's error. */
	tokenUrlField: string;
	placement: TokenPlacement;
	/** API answers that mean "this token expired" (a status, or a value in the body). */
	expired: ExpiredSignal;
}

export function tokenAuthenticator(source: TokenSource, use: TokenUse, { connection, secrets, services }: AuthDeps): Authenticator {
	const { placement, tokenUrl, tokenUrlField } = use;
	const manager = new TokenManager(source, {
		store: tokenStore(services.logger),
		clock: services.clock,
		logger: services.logger,
		agent: agentFor(tokenUrl, connection.tls, connection.proxy),
		...storeSettings(),
		onToken: (state) => secrets.add(state.accessToken, state.refreshToken),
	});
	const obtain = async (trace: AuthTrace, context: RequestContext): Promise<string> => {
		assertMaySendSecrets(tokenUrl, connection.policy, tokenUrlField);
		const { state, source: origin } = await manager.token({ deadline: context.deadline, rejected: context.rejectedToken });
		// A retry carries a renewed token, whether this item's renewal or another item's fetched it.
		trace.tokenSource = context.renewedBecause ? 'refreshed' : origin;
		trace.renewedBecause = context.renewedBecause;
		trace.expiresAt = new Date(state.expiresAt).toISOString();
		trace.expirySource = state.expirySource;
		return state.accessToken;
	};

	return {
		async apply(request, trace, context) {
			const token = await obtain(trace, context);
			context.sentToken = token;
			if (placement.kind === 'header') setHeader(request.headers, 'Authorization', authorizationValue(placement.prefix, token));
			else request.url.searchParams.set(placement.name, token);
		},
		strip(request) {
			if (placement.kind === 'header') removeHeader(request.headers, 'Authorization');
			else request.url.searchParams.delete(placement.name);
		},
		expiredBy: (response) => expiredReason(use.expired, response),
		async renew(response, trace, context) {
			const reason = expiredReason(use.expired, response);
			if (!reason || context.sentToken === undefined) return false;
			context.rejectedToken = context.sentToken;
			context.renewedBecause = reason;
			await obtain(trace, context);
			return true;
		},
		async warmUp() {
			assertMaySendSecrets(tokenUrl, connection.policy, tokenUrlField);
			const { state, source: origin } = await manager.token({ deadline: services.clock.now() + 15_000 });
			const minutes = Math.max(0, Math.round((state.expiresAt - services.clock.now()) / 60_000));
			return `Token obtained (${origin === 'fetched' || origin === 'refreshed' ? 'from the token endpoint' : `from the ${origin}`}), valid for about ${minutes} min.`;
		},
	};
}
