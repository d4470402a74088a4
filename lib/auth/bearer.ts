/** Bearer token: `Authorization: <prefix> <token>`, sent in that header only. */
import { ConfigError } from '../errors';
import { removeHeader, setHeader } from '../transport/headers';
import type { AuthMethod } from './types';

export const BEARER_FIELDS = { token: 'Token', prefix: 'Header Prefix' } as const;

/** Trims the token and removes a pasted "Bearer " so it is not sent twice; refuses inner whitespace. */
export function normaliseBearerToken(raw: string, field: string = BEARER_FIELDS.token): string {
	const token = raw.trim().replace(/^bearer(\s+|$)/i, '').trim();
	if (!token) throw new ConfigError(field, 'is empty', 'Paste the token itself.');
	if (/\s/.test(token)) {
		throw new ConfigError(
			field,
			'the token contains spaces or line breaks',
			'Paste the token as one piece, without spaces or line breaks (and without the word "Bearer").',
		);
	}
	return token;
}

export function authorizationValue(prefix: string, token: string): string {
	return prefix ? `${prefix} ${token}` : token;
}

export const bearerAuth: AuthMethod = {
	credentialType: 'apiAuthBearerToken',
	label: 'bearer',
	create(reader, { secrets }) {
		const token = normaliseBearerToken(reader.secret('token', BEARER_FIELDS.token, { required: true }) as string);
		const prefix = reader.prefix('headerPrefix', BEARER_FIELDS.prefix);
		const header = authorizationValue(prefix, token);
		secrets.add(token, header);
		return {
			apply(request) {
				setHeader(request.headers, 'Authorization', header);
			},
			strip(request) {
				removeHeader(request.headers, 'Authorization');
			},
		};
	},
};
