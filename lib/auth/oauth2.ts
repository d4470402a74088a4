/**
 * OAuth2: the token comes from the token manager (cache, store or token endpoint) and goes into
 * the Authorization header with a prefix, or into a query parameter. A "token expired" answer of
 * the API renews the token once and the request is sent once more.
 */
import { readOAuth2Settings, readTokenSeed } from '../oauth2/settings';
import { TokenManager } from '../oauth2/tokenManager';
import { tokenKey } from '../oauth2/tokenKey';
import { assertMaySendSecrets } from '../security/urlPolicy';
import { tokenStore, storeSettings } from '../stores/selectStore';
import { agentFor } from '../transport/agents';
import { removeHeader, setHeader } from '../transport/headers';
import { authorizationValue } from './bearer';
import type { AuthMethod, AuthTrace, RequestContext } from './types';

/** The client's Basic credential as token requests carry it (form-encoded first, RFC 6749 §2.3.1), for redaction. */
function clientBasicForms(id: string, secret: string): string[] {
	const form = (text: string) => encodeURIComponent(text).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return [`${id}:${secret}`, `${form(id)}:${form(secret)}`].map((pair) => Buffer.from(pair).toString('base64')).concat(`${id}:${secret}`);
}

function createOAuth2(connect: boolean): AuthMethod['create'] {
	return (reader, { connection, secrets, services, raw }) => {
		const settings = readOAuth2Settings(reader, connect, connection.tls);
		if (settings.grant === 'authorizationCode') settings.seed = readTokenSeed(reader, raw, connect);
		if (settings.clientSecret) secrets.add(...clientBasicForms(settings.clientId, settings.clientSecret));
		const { placement } = settings;
		const policy = connection.policy;
		const tokenUrlField = 'Access Token URL';
		const manager = new TokenManager(settings, tokenKey(settings), {
			store: tokenStore(services.logger),
			clock: services.clock,
			logger: services.logger,
			agent: agentFor(settings.tokenUrl, connection.tls, connection.proxy),
			...storeSettings(),
			onToken: (state) => secrets.add(state.accessToken, state.refreshToken),
		});
		const obtain = async (trace: AuthTrace, context: RequestContext) => {
			assertMaySendSecrets(settings.tokenUrl, policy, tokenUrlField);
			const { state, source } = await manager.token({ deadline: context.deadline, rejected: context.rejectedToken });
			trace.tokenSource = source;
			trace.expiresAt = new Date(state.expiresAt).toISOString();
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
			async renew(status, trace, context) {
				if (!settings.expiredStatuses.includes(status) || context.sentToken === undefined) return false;
				context.rejectedToken = context.sentToken;
				await obtain(trace, context);
				return true;
			},
			async warmUp() {
				assertMaySendSecrets(settings.tokenUrl, policy, tokenUrlField);
				const { state, source } = await manager.token({ deadline: services.clock.now() + 15_000 });
				const minutes = Math.max(0, Math.round((state.expiresAt - services.clock.now()) / 60_000));
				return `Token obtained (${source === 'fetched' || source === 'refreshed' ? 'from the token endpoint' : `from the ${source}`}), valid for about ${minutes} min.`;
			},
		};
	};
}

export const oauth2Auth: AuthMethod = { credentialType: 'apiAuthOAuth2', label: 'oauth2', create: createOAuth2(false) };
export const oauth2ConnectAuth: AuthMethod = { credentialType: 'apiAuthOAuth2Connect', label: 'oauth2', create: createOAuth2(true) };
