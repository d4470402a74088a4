/**
 * OAuth2: tokens from an OAuth2 grant (tokens/sources/oauth2Grant.ts) through the shared token
 * lifecycle, sent in the Authorization header with a prefix or in a query parameter.
 */
import type { GrantLabel } from '../diagnosis';
import { keyProof } from '../oauth2/clientAuth';
import { OAUTH2_FIELDS, type OAuth2Settings, readOAuth2Settings, readTokenSeed } from '../oauth2/settings';
import type { TokenSource } from '../tokens/source';
import { jwtBearerSource } from '../tokens/sources/jwtBearer';
import { oauth2GrantSource } from '../tokens/sources/oauth2Grant';
import { tokenAuthenticator } from './tokenAuth';
import type { AuthMethod } from './types';

/** The client's Basic credential as token requests carry it (form-encoded first, RFC 6749 §2.3.1), for redaction. */
function clientBasicForms(id: string, secret: string): string[] {
	const form = (text: string) => encodeURIComponent(text).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return [`${id}:${secret}`, `${form(id)}:${form(secret)}`].map((pair) => Buffer.from(pair).toString('base64')).concat(`${id}:${secret}`);
}

/** The token source of each grant: the JWT bearer grant signs its own; the others are simple-oauth2's grants. */
const SOURCES: Record<GrantLabel, (settings: OAuth2Settings) => TokenSource> = {
	clientCredentials: oauth2GrantSource,
	password: oauth2GrantSource,
	authorizationCode: oauth2GrantSource,
	jwtBearer: jwtBearerSource,
};

function createOAuth2(connect: boolean): AuthMethod['create'] {
	return (reader, deps) => {
		const settings = readOAuth2Settings(reader, connect, deps.connection.tls);
		if (settings.grant === 'authorizationCode') settings.seed = readTokenSeed(reader, deps.raw, connect);
		if (settings.clientSecret) deps.secrets.add(...clientBasicForms(settings.clientId, settings.clientSecret));
		return tokenAuthenticator(
			SOURCES[settings.grant](settings),
			{ tokenUrls: [{ url: settings.tokenUrl, field: OAUTH2_FIELDS.tokenUrl }], placement: settings.placement, expiredStatuses: settings.expiredStatuses, clientAuth: keyProof(settings)?.described },
			deps,
		);
	};
}

export const oauth2Auth: AuthMethod = { credentialType: 'apiAuthOAuth2', label: 'oauth2', create: createOAuth2(false) };
export const oauth2ConnectAuth: AuthMethod = { credentialType: 'apiAuthOAuth2Connect', label: 'oauth2', create: createOAuth2(true) };
