import type { OAuth2Settings } from '../../lib/oauth2/settings';
import { DEFAULT_MAPPING } from '../../lib/oauth2/settings';
import { tokenKey } from '../../lib/tokens/key';
import { oauth2GrantSource } from '../../lib/tokens/sources/oauth2Grant';

const base: OAuth2Settings = {
	grant: 'password',
	tokenUrl: new URL('https://auth.example.com/oauth/token'),
	clientId: 'orders-client',
	clientSecret: 'S3cret',
	clientAuth: { method: 'header' },
	scopes: ['write', 'read'],
	audience: 'https://api.example.com',
	resources: [],
	extraParams: { tenant: 'acme' },
	username: 'ada',
	password: 'pw',
	placement: { kind: 'header', prefix: 'Bearer' },
	refreshMarginMs: 60_000,
	refreshWindowShare: 0.1, clockSkewMs: 2000,
	defaultLifetimeMs: 3_600_000,
	retryUnknownOutcome: false,
	mapping: DEFAULT_MAPPING,
};
const keyOf = (settings: OAuth2Settings): string => tokenKey(oauth2GrantSource(settings));

describe('OAuth2 token keys', () => {
	// Stored state (a rotated refresh token above all) must still be found after an upgrade: these
	// are the keys the previous release stored these configurations under.
	it('are the keys earlier releases stored the same configuration under', () => {
		expect(keyOf(base)).toBe('7ec746c060dc04f0b43f28ff66ca395d1319fd0b16dc38f96eeec2c795f9a401');
		const code: OAuth2Settings = { ...base, grant: 'authorizationCode', username: undefined, password: undefined, seed: { refreshToken: 'R1' } };
		expect(keyOf(code)).toBe('a63856f7c77c66da129ab0c80fbafc57702072289937f53d26ac67541c6b9d6b');
	});

	it('ignore the order of scopes but not a changed secret, user or pasted refresh token', () => {
		expect(keyOf({ ...base, scopes: ['read', 'write'] })).toBe(keyOf(base));
		expect(keyOf({ ...base, clientSecret: 'other' })).not.toBe(keyOf(base));
		expect(keyOf({ ...base, password: 'other' })).not.toBe(keyOf(base));
		expect(keyOf({ ...base, username: 'bob' })).not.toBe(keyOf(base));
		expect(keyOf({ ...base, seed: { refreshToken: 'R2' } })).not.toBe(keyOf({ ...base, seed: { refreshToken: 'R1' } }));
	});

	it('never contain a secret in clear', () => {
		const identity = JSON.stringify(oauth2GrantSource(base).identity());
		expect(identity).not.toContain('S3cret');
		expect(identity).not.toContain('"pw"');
	});
});
