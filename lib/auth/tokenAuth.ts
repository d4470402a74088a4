/**
 * What every token-based credential does with its token source: a token manager over the
 * package's store, the token placed in the request, and an API's "token expired" answer turned
 * into one renewal and one more attempt.
 */
import { assertMaySendSecrets } from '../security/urlPolicy';
import { storeSettings, tokenStore } from '../stores/selectStore';
import { TokenManager } from '../tokens/manager';
import type { TokenSource } from '../tokens/source';
import { tokenAgentFor } from '../transport/agents';
import { findHeader, removeHeader, setHeader } from '../transport/headers';
import type { OutgoingRequest } from '../transport/types';
import { authorizationValue } from './bearer';
import { type ExpiredSignal, expiredReason } from './expiredSignal';
import type { AuthDeps, Authenticator, AuthTrace, RequestContext } from './types';

/** Where the token goes: the Authorization header with a prefix, another header, a query parameter or a cookie. */
export type TokenPlacement =
	| { kind: 'header'; prefix: string }
	| { kind: 'customHeader'; name: string }
	| { kind: 'query'; name: string }
	| { kind: 'cookie'; name: string };

function place(request: OutgoingRequest, placement: TokenPlacement, token: string): void {
	switch (placement.kind) {
		case 'header':
			return setHeader(request.headers, 'Authorization', authorizationValue(placement.prefix, token));
		case 'customHeader':
			return setHeader(request.headers, placement.name, token);
		case 'query':
			return request.url.searchParams.set(placement.name, token);
		case 'cookie': {
			// Beside the cookies the request already carries, replacing an earlier value of this one.
			const others = (findHeader(request.headers, 'Cookie') ?? '').split(';').map((c) => c.trim()).filter((c) => c && !c.startsWith(`${placement.name}=`));
			return setHeader(request.headers, 'Cookie', [...others, `${placement.name}=${token}`].join('; '));
		}
	}
}

function unplace(request: OutgoingRequest, placement: TokenPlacement): void {
	if (placement.kind === 'query') request.url.searchParams.delete(placement.name);
	else removeHeader(request.headers, placement.kind === 'header' ? 'Authorization' : placement.kind === 'cookie' ? 'Cookie' : placement.name);
}

export interface TokenUse {
	/**
	 * Where token requests go, each with the field that holds it (for the policy's error), checked
	 * against the credential's URL policy before each token request. The first one's pool is the manager's.
	 */
	tokenUrls: Array<{ url: URL; field: string }>;
	placement: TokenPlacement;
	/** API answers that mean "this token expired" (a status, or a value in the body). */
	expired: ExpiredSignal;
	/** For the trace: how the client proves itself when not by secret (never key material). */
	clientAuth?: string;
}

export function tokenAuthenticator(source: TokenSource, use: TokenUse, { connection, secrets, services }: AuthDeps): Authenticator {
	const { placement, tokenUrls } = use;
	const checkTokenUrls = () => {
		for (const { url, field } of tokenUrls) assertMaySendSecrets(url, connection.policy, field);
	};
	const manager = new TokenManager(source, {
		store: tokenStore(services.logger),
		clock: services.clock,
		logger: services.logger,
		agent: tokenAgentFor(tokenUrls[0].url, connection.tls, connection.proxy),
		...storeSettings(),
		onToken: (state) => secrets.add(state.accessToken, state.refreshToken),
	});
	const obtain = async (trace: AuthTrace, context: RequestContext): Promise<string> => {
		checkTokenUrls();
		const { state, source: origin } = await manager.token({ deadline: context.deadline, rejected: context.rejectedToken });
		// A retry carries a renewed token, whether this item's renewal or another item's fetched it.
		trace.tokenSource = context.renewedBecause ? 'refreshed' : origin;
		trace.renewedBecause = context.renewedBecause;
		if (use.clientAuth) trace.clientAuth = use.clientAuth;
		trace.expiresAt = new Date(state.expiresAt).toISOString();
		trace.expirySource = state.expirySource;
		return state.accessToken;
	};

	return {
		async apply(request, trace, context) {
			const token = await obtain(trace, context);
			context.sentToken = token;
			context.appliedAt = services.clock.now();
			place(request, placement, token);
		},
		answered(context) {
			if (context.appliedAt !== undefined) manager.recordTransit(services.clock.now() - context.appliedAt);
		},
		strip(request) {
			unplace(request, placement);
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
			checkTokenUrls();
			const { state, source: origin } = await manager.token({ deadline: services.clock.now() + 15_000 });
			const from = origin === 'fetched' || origin === 'refreshed' ? 'from the token endpoint' : `from the ${origin}`;
			if (source.describe) return `${source.describe(state, services.clock.now())} Obtained ${from}.`;
			const minutes = Math.max(0, Math.round((state.expiresAt - services.clock.now()) / 60_000));
			return `Token obtained (${from}), valid for about ${minutes} min.`;
		},
	};
}
