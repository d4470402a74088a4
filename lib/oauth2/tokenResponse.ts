/**
 * A token endpoint's answer → token state. Field names are configurable (dot paths) for
 * non-standard servers. A refresh answer without a refresh token keeps the previous one (RFC 6749
 * §6 lets the server omit it).
 *
 * Expiry: the earliest of the signals the answer gives, since a token dies at the first of them:
 *   expires_in  counted from when the request was sent (the server started counting before its
 *               answer left), less the whole-second rounding servers apply (1 s, at most a quarter
 *               of the lifetime);
 *   expires_at  an absolute time;
 *   jwt         the access token's own exp claim (whole seconds, often earlier than expires_in).
 * Without any, the credential's default lifetime, so no token is taken to live forever.
 */
import type { TokenState } from '../stores/tokenStore';
import { valueAtPath as readPath } from '../json/paths';
import { jwtExpiry } from './jwt';

export interface TokenFieldMapping {
	accessToken: string;
	refreshToken: string;
	expiresIn: string;
	expiresAt: string;
	tokenType: string;
}

/** Unix seconds, Unix milliseconds or an ISO date (or a Date, as simple-oauth2 converts it) → epoch ms. */
export function parseExpiresAt(value: unknown): number | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (typeof value === 'number' && Number.isFinite(value)) return value > 1e12 ? value : value * 1000;
	if (typeof value === 'string' && value.trim()) {
		const numeric = Number(value);
		if (Number.isFinite(numeric)) return parseExpiresAt(numeric);
		const date = Date.parse(value);
		return Number.isNaN(date) ? undefined : date;
	}
	return undefined;
}

export class MissingAccessTokenError extends Error {
	constructor(readonly field: string) {
		super(`the token response has no "${field}" field`);
	}
}

/** Servers round expires_in down to whole seconds: the token may die up to a second sooner. */
const ROUNDING_MS = 1_000;

type ExpirySignal = { expiresAt: number; source: 'expires_in' | 'expires_at' | 'jwt' };

/** The earliest expiry signal in the answer, or undefined when it has none (see the top of this file). */
export function earliestExpiry(payload: unknown, accessToken: string, mapping: TokenFieldMapping, sentAt: number): ExpirySignal | undefined {
	const signals: ExpirySignal[] = [];
	const expiresIn = Number(readPath(payload, mapping.expiresIn));
	if (Number.isFinite(expiresIn) && expiresIn > 0) {
		const lifetime = expiresIn * 1000;
		signals.push({ expiresAt: sentAt + lifetime - Math.min(ROUNDING_MS, lifetime / 4), source: 'expires_in' });
	}
	const at = parseExpiresAt(readPath(payload, mapping.expiresAt));
	if (at !== undefined) signals.push({ expiresAt: at, source: 'expires_at' });
	const jwt = jwtExpiry(accessToken);
	if (jwt !== undefined) signals.push({ expiresAt: jwt, source: 'jwt' });
	return signals.reduce<ExpirySignal | undefined>((earliest, signal) => (!earliest || signal.expiresAt < earliest.expiresAt ? signal : earliest), undefined);
}

/** `now`: when the token request was sent (expires_in counts from then). */
export function parseTokenResponse(
	payload: unknown,
	options: { mapping: TokenFieldMapping; now: number; defaultLifetimeMs: number; previousRefreshToken?: string },
): TokenState {
	const { mapping, now } = options;
	const accessToken = readPath(payload, mapping.accessToken);
	if (typeof accessToken !== 'string' || accessToken.trim() === '') throw new MissingAccessTokenError(mapping.accessToken);
	const refreshToken = readPath(payload, mapping.refreshToken);
	const tokenType = readPath(payload, mapping.tokenType);

	const { expiresAt, source } = earliestExpiry(payload, accessToken, mapping, now) ?? { expiresAt: now + options.defaultLifetimeMs, source: 'default' as const };
	return {
		accessToken,
		tokenType: typeof tokenType === 'string' ? tokenType : undefined,
		refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : options.previousRefreshToken,
		expiresAt,
		obtainedAt: now,
		expirySource: source,
	};
}
