/** Basic auth (RFC 7617): `Authorization: Basic base64(user:password)`, UTF-8. */
import { ConfigError } from '../errors';
import { assertNoLineBreaks } from '../security/headerSafety';
import { removeHeader, setHeader } from '../transport/headers';
import type { AuthMethod } from './types';

export const BASIC_FIELDS = { user: 'User', password: 'Password' } as const;

export function basicAuthorization(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export const basicAuth: AuthMethod = {
	credentialType: 'apiAuthBasic',
	label: 'basic',
	create(reader, { secrets }) {
		const user = reader.reference('user', BASIC_FIELDS.user, { required: true }) as string;
		const password = reader.secret('password', BASIC_FIELDS.password) ?? '';
		if (user.includes(':')) {
			throw new ConfigError(BASIC_FIELDS.user, 'contains ":", which Basic auth cannot carry (RFC 7617)', 'Use a user name without a colon.');
		}
		assertNoLineBreaks(user, BASIC_FIELDS.user);
		assertNoLineBreaks(password, BASIC_FIELDS.password);
		const header = basicAuthorization(user, password);
		// With an empty password the user name is the key (a pattern some APIs use): a secret then.
		secrets.add(password, password ? `${user}:${password}` : user, `${user}:${password}`, header);
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
