/**
 * Token Request: tokens from a login (and optionally a refresh) request configured in the
 * credential (tokens/sources/tokenRequest.ts), through the shared token lifecycle.
 */
import { readTokenRequestSettings, TOKEN_REQUEST_FIELDS } from '../tokenRequest/settings';
import { tokenRequestSource } from '../tokens/sources/tokenRequest';
import { tokenAgentFor } from '../transport/agents';
import { readExpiredSignal } from './expiredSignal';
import { tokenAuthenticator } from './tokenAuth';
import type { AuthMethod } from './types';

export const tokenRequestAuth: AuthMethod = {
	credentialType: 'apiAuthTokenRequest',
	label: 'tokenRequest',
	create(reader, deps) {
		const settings = readTokenRequestSettings(reader);
		const { values, login, refresh } = settings;
		// The Basic header of the login, in the form it travels, for redaction.
		if (values.username && values.password) deps.secrets.add(Buffer.from(`${values.username}:${values.password}`).toString('base64'));
		const { tls, proxy } = deps.connection;
		const tokenUrls: Array<{ url: URL; field: string }> = [{ url: login.url, field: TOKEN_REQUEST_FIELDS.loginUrl }];
		if (refresh) tokenUrls.push({ url: refresh.url, field: TOKEN_REQUEST_FIELDS.refreshUrl });
		return tokenAuthenticator(
			tokenRequestSource(settings, deps.secrets, (url) => tokenAgentFor(url, tls, proxy)),
			{ tokenUrls, placement: settings.placement, expired: readExpiredSignal(reader) },
			deps,
		);
	},
};
