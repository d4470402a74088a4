import { parseExpiresAt, parseTokenResponse } from '../../lib/oauth2/tokenResponse';
import { DEFAULT_MAPPING } from '../../lib/oauth2/settings';
import { createPkcePair } from '../../lib/oauth2/pkce';
import { createHash } from 'node:crypto';

const now = 1_700_000_000_000;
const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
const parse = (payload: unknown, extra: Partial<Parameters<typeof parseTokenResponse>[1]> = {}) =>
	parseTokenResponse(payload, { mapping: DEFAULT_MAPPING, now, defaultLifetimeMs: 3_600_000, ...extra });

describe('token responses', () => {
	it.each<[string, unknown, number, string]>([
		// Counted from when the request was sent, less 1 s for the server's whole-second rounding.
		['expires_in', { access_token: 'a', expires_in: 120 }, now + 119_000, 'expires_in'],
		['expires_in as a string (form-encoded answers)', { access_token: 'a', expires_in: '120' }, now + 119_000, 'expires_in'],
		['a 2-second expires_in: the rounding allowance is at most a quarter of it', { access_token: 'a', expires_in: 2 }, now + 1_500, 'expires_in'],
		['a JWT exp earlier than expires_in wins', { access_token: jwt(1_700_000_003), expires_in: 5 }, 1_700_000_003_000, 'jwt'],
		['expires_in earlier than a JWT exp wins', { access_token: jwt(1_700_000_600), expires_in: 60 }, now + 59_000, 'expires_in'],
		['an expires_at earlier than expires_in wins', { access_token: 'a', expires_in: 3600, expires_at: 1_700_000_100 }, 1_700_000_100_000, 'expires_at'],
		['a Date (as simple-oauth2 converts expires_at)', { access_token: 'a', expires_at: new Date(1_700_000_300_000) }, 1_700_000_300_000, 'expires_at'],
		['expires_at in Unix seconds', { access_token: 'a', expires_at: 1_700_000_300 }, 1_700_000_300_000, 'expires_at'],
		['expires_at in milliseconds', { access_token: 'a', expires_at: 1_700_000_300_000 }, 1_700_000_300_000, 'expires_at'],
		['expires_at as an ISO date', { access_token: 'a', expires_at: '2023-11-14T22:18:20.000Z' }, Date.parse('2023-11-14T22:18:20.000Z'), 'expires_at'],
		['no expiry: the JWT exp claim', { access_token: jwt(1_700_000_600) }, 1_700_000_600_000, 'jwt'],
		['no expiry at all: the default lifetime, never "forever"', { access_token: 'opaque' }, now + 3_600_000, 'default'],
	])('%s', (_name, payload, expiresAt, source) => {
		const state = parse(payload);
		expect(state.expiresAt).toBe(expiresAt);
		expect(state.expirySource).toBe(source);
	});

	it('keeps the previous refresh token when a refresh answer omits it (RFC 6749 §6)', () => {
		expect(parse({ access_token: 'a' }, { previousRefreshToken: 'old' }).refreshToken).toBe('old');
		expect(parse({ access_token: 'a', refresh_token: 'new' }, { previousRefreshToken: 'old' }).refreshToken).toBe('new');
	});

	it('reads non-standard field names by dot path', () => {
		const mapping = { accessToken: 'data.token', refreshToken: 'data.renew', expiresIn: 'data.ttl', expiresAt: 'x', tokenType: 'data.kind' };
		const state = parse({ data: { token: 'T', renew: 'R', ttl: 30, kind: 'Bearer' } }, { mapping });
		expect(state).toMatchObject({ accessToken: 'T', refreshToken: 'R', tokenType: 'Bearer', expiresAt: now + 29_000 });
	});

	it('refuses an answer without an access token, naming the field', () => {
		expect(() => parse({ token: 'x' })).toThrow('the token response has no "access_token" field');
	});

	it.each([[''], ['soon'], [null]])('ignores an unusable expires_at %p', (value) => {
		expect(parseExpiresAt(value)).toBeUndefined();
	});
});

describe('PKCE', () => {
	it('S256: the challenge is the base64url SHA-256 of a 43+ character verifier', () => {
		const pair = createPkcePair();
		expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
		expect(pair.challenge).toBe(createHash('sha256').update(pair.verifier).digest('base64url'));
		expect(createPkcePair().verifier).not.toBe(pair.verifier);
	});
});
