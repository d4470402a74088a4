/**
 * The store key of a token: a hash of everything that makes one token differ from another, so
 * state fetched under one configuration is never used under another (a changed client secret,
 * scope, user or pasted refresh token means a new key and a fresh token).
 */
import { createHash } from 'node:crypto';
import { clientAuthIdentity } from './clientAuth';
import type { OAuth2Settings } from './settings';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function tokenKey(settings: OAuth2Settings): string {
	return sha256(
		JSON.stringify({
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
			// Only for the key- and certificate-based methods: keys stored before they existed stay valid.
			...(settings.clientAuth.method === 'header' || settings.clientAuth.method === 'body' ? {} : { clientAuth: clientAuthIdentity(settings.clientAuth) }),
		}),
	);
}
