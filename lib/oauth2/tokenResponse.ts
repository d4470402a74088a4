/**
 * A token endpoint's JSON answer → token state. Field names are configurable (dot paths) for
 * non-standard servers. Expiry, in order: expires_in, expires_at, the JWT exp claim, then the
 * credential's default lifetime, so no token is taken to live forever. A refresh answer without
 * a refresh token keeps the previous one (RFC 6749 §6 lets the server omit it).
 */
import type { TokenState } from '../stores/tokenStore';
import { jwtExpiry } from './jwt';

export interface TokenFieldMapping {
	accessToken: string;
	refreshToken: string;
	expiresIn: string;
	expiresAt: string;
	tokenType: string;
}

export function readPath(value: unknown, path: string): unknown {
	let current = value;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
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

export function parseTokenResponse(
	payload: unknown,
	options: { mapping: TokenFieldMapping; now: number; defaultLifetimeMs: number; previousRefreshToken?: string },
): TokenState {
	const { mapping, now } = options;
	const accessToken = readPath(payload, mapping.accessToken);
	if (typeof accessToken !== 'string' || accessToken.trim() === '') throw new MissingAccessTokenError(mapping.accessToken);
	const refreshToken = readPath(payload, mapping.refreshToken);
	const tokenType = readPath(payload, mapping.tokenType);

	let expiresAt: number | undefined;
	let expirySource: TokenState['expirySource'] = 'default';
	const expiresIn = Number(readPath(payload, mapping.expiresIn));
	if (Number.isFinite(expiresIn) && expiresIn > 0) {
		expiresAt = now + expiresIn * 1000;
		expirySource = 'expires_in';
	} else {
		const at = parseExpiresAt(readPath(payload, mapping.expiresAt));
		if (at !== undefined) {
			expiresAt = at;
			expirySource = 'expires_at';
		} else {
			const jwt = jwtExpiry(accessToken);
			if (jwt !== undefined) {
				expiresAt = jwt;
				expirySource = 'jwt';
			}
		}
	}
	return {
		accessToken,
		tokenType: typeof tokenType === 'string' ? tokenType : undefined,
		refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : options.previousRefreshToken,
		expiresAt: expiresAt ?? now + options.defaultLifetimeMs,
		obtainedAt: now,
		expirySource,
	};
}
