/**
 * A login or refresh answer → token state, by the credential's answer settings: the token at a
 * JSON path, the whole plain-text answer, a response header or a Set-Cookie cookie; the expiry
 * as seconds to live, an absolute time, the JWT's exp or a fixed lifetime. A failure names the
 * field to change and what the answer holds instead: key names only, never a value.
 */
import { leafPaths, valueAtPath } from '../json/paths';
import { jwtExpiry } from '../oauth2/jwt';
import { parseExpiresAt } from '../oauth2/tokenResponse';
import type { TokenState } from '../stores/tokenStore';
import { responseHeader } from '../transport/headers';
import type { HttpResponse } from '../transport/types';
import { type AnswerSpec, type ExpiryRule, TOKEN_REQUEST_FIELDS as F } from './settings';

/** Why an answer could not be read, with the fix; the source turns it into a TokenRequestError. */
export class AnswerError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
	}
}

type Body = { kind: 'json'; value: unknown } | { kind: 'html' } | { kind: 'text'; text: string } | { kind: 'badJson' };

function decodeBody(response: HttpResponse): Body {
	const type = (responseHeader(response.headers, 'content-type') ?? '').toLowerCase();
	const text = response.body.toString('utf8').trim();
	if (type.includes('html') || /^<(!doctype|html|head|body)/i.test(text)) return { kind: 'html' };
	if (type.includes('json') || /^[{[]/.test(text)) {
		try {
			return { kind: 'json', value: JSON.parse(text) };
		} catch {
			return { kind: 'badJson' };
		}
	}
	return { kind: 'text', text };
}

function keysNote(value: unknown): string {
	const keys = leafPaths(value);
	return keys.length ? `the answer has keys ${keys.map((k) => `\`${k}\``).join(', ')}` : 'the answer has no keys';
}

function missing(path: string, field: string, value: unknown): AnswerError {
	return new AnswerError(`no value at path \`${path}\` (${field}); ${keysNote(value)}`, `Set ${field} to the path of the value in the answer.`);
}

function jsonOf(body: Body, field: string): unknown {
	if (body.kind === 'json') return body.value;
	if (body.kind === 'html') return fail('the answer is HTML, not JSON', `Check ${F.loginUrl}: it must be the API's login endpoint, not a login page.`);
	if (body.kind === 'badJson') return fail('the answer is not valid JSON', `Check ${F.loginUrl}.`);
	return fail(`the answer is plain text, not JSON, so ${field} cannot be read`, `If the whole answer is the token, set ${F.tokenFrom} to Whole Answer (Plain Text).`);
}

function fail(message: string, fix: string): never {
	throw new AnswerError(message, fix);
}

/** Name=value of the Set-Cookie header that sets `name`, with its Max-Age / Expires as epoch ms. */
function cookieFrom(response: HttpResponse, name: string, now: number): { value: string; expiresAt?: number } | undefined {
	const raw = response.headers['set-cookie'];
	const lines = Array.isArray(raw) ? raw : raw ? [raw] : [];
	for (const line of lines) {
		const [pair, ...attributes] = line.split(';').map((part) => part.trim());
		const at = pair.indexOf('=');
		if (at < 0 || pair.slice(0, at).trim() !== name) continue;
		let expiresAt: number | undefined;
		for (const attribute of attributes) {
			const [key, ...rest] = attribute.split('=');
			const value = rest.join('=').trim();
			// Max-Age wins over Expires (RFC 6265 §5.3 step 3).
			if (key.trim().toLowerCase() === 'max-age' && /^-?\d+$/.test(value)) expiresAt = now + Number(value) * 1000;
			else if (key.trim().toLowerCase() === 'expires' && expiresAt === undefined && !Number.isNaN(Date.parse(value))) expiresAt = Date.parse(value);
		}
		return { value: pair.slice(at + 1).trim().replace(/^"(.*)"$/, '$1'), expiresAt };
	}
	return undefined;
}

function readToken(response: HttpResponse, body: Body, spec: AnswerSpec, now: number): { token: string; cookieExpiresAt?: number } {
	const { token } = spec;
	if (token.from === 'header') {
		const value = responseHeader(response.headers, token.name)?.trim();
		if (!value) fail(`the answer has no \`${token.name}\` header (${F.tokenHeader})`, `Check ${F.tokenHeader}, or read the token from the answer's body.`);
		return { token: value.replace(/^Bearer\s+/i, '') };
	}
	if (token.from === 'cookie') {
		const cookie = cookieFrom(response, token.name, now);
		if (!cookie?.value) {
			const raw = response.headers['set-cookie'];
			const names = (Array.isArray(raw) ? raw : raw ? [raw] : []).map((line) => line.split('=')[0].trim());
			fail(`the answer sets no \`${token.name}\` cookie (${F.tokenCookie}); ${names.length ? `it sets ${names.map((n) => `\`${n}\``).join(', ')}` : 'it sets no cookie'}`, `Set ${F.tokenCookie} to the session cookie's name.`);
		}
		return { token: cookie.value, cookieExpiresAt: cookie.expiresAt };
	}
	if (token.from === 'text') {
		if (body.kind === 'html') fail('the answer is HTML, not a token', `Check ${F.loginUrl}: it must be the API's token endpoint, not a login page.`);
		const text = body.kind === 'json' && typeof body.value === 'string' ? body.value : body.kind === 'text' ? body.text : undefined;
		if (!text) fail(body.kind === 'json' ? `the answer is JSON, not a plain-text token; ${keysNote(body.value)}` : 'the answer is empty', `Set ${F.tokenFrom} to JSON Answer and ${F.tokenPath} to the token's path.`);
		return { token: text.replace(/^Bearer\s+/i, '') };
	}
	const json = jsonOf(body, F.tokenPath);
	const value = valueAtPath(json, token.path);
	if (typeof value !== 'string' || !value.trim()) throw missing(token.path, F.tokenPath, json);
	return { token: value.trim() };
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function absoluteAt(value: unknown, kind: ExpiryRule['kind']): number | undefined {
	const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
	if (kind === 'epochSeconds') return numeric === undefined ? undefined : numeric * 1000;
	if (kind === 'epochMilliseconds') return numeric;
	if (kind === 'iso') return typeof value === 'string' && ISO.test(value.trim()) ? Date.parse(value) : undefined;
	return parseExpiresAt(value);
}

export const EXPIRY_LABELS: Record<ExpiryRule['kind'], string> = {
	jwtOrFixed: 'the JWT exp claim',
	fixed: 'the fixed lifetime',
	secondsToLive: 'seconds to live',
	absolute: 'an absolute time',
	iso: 'an ISO 8601 time',
	epochSeconds: 'epoch seconds',
	epochMilliseconds: 'epoch milliseconds',
};

function readExpiry(body: Body, spec: AnswerSpec, token: string, cookieExpiresAt: number | undefined, now: number): Pick<TokenState, 'expiresAt' | 'expirySource'> {
	const { expiry } = spec;
	if (expiry.kind === 'fixed') return { expiresAt: now + spec.lifetimeMs, expirySource: 'default' };
	if (expiry.kind === 'jwtOrFixed') {
		const jwt = jwtExpiry(token);
		if (jwt !== undefined) return { expiresAt: jwt, expirySource: 'jwt' };
		if (cookieExpiresAt !== undefined) return { expiresAt: cookieExpiresAt, expirySource: 'expires_at' };
		return { expiresAt: now + spec.lifetimeMs, expirySource: 'default' };
	}
	const { path } = expiry as Extract<ExpiryRule, { path: string }>;
	const json = jsonOf(body, F.expiryPath);
	const value = valueAtPath(json, path);
	if (value === undefined || value === null || value === '') throw missing(path, F.expiryPath, json);
	if (expiry.kind === 'secondsToLive') {
		const seconds = Number(value);
		if (!Number.isFinite(seconds) || seconds <= 0) fail(`the value at \`${path}\` (${F.expiryPath}) is not a number of seconds`, `Check ${F.expiry}: the value may be an absolute time.`);
		return { expiresAt: now + seconds * 1000, expirySource: 'expires_in' };
	}
	const at = absoluteAt(value, expiry.kind);
	if (at === undefined || !Number.isFinite(at)) fail(`the value at \`${path}\` (${F.expiryPath}) is not ${EXPIRY_LABELS[expiry.kind]}`, `Check ${F.expiry}: choose the format the answer uses, or Absolute Time (Detect).`);
	return { expiresAt: at, expirySource: 'expires_at' };
}

/**
 * The answer as token state. `remember` is called with the secrets found before anything else
 * happens with them. A refresh answer without a refresh token keeps the previous one.
 */
export function readAnswer(response: HttpResponse, spec: AnswerSpec, options: { now: number; previousRefreshToken?: string; remember(...values: string[]): void }): TokenState {
	const { now } = options;
	const body = decodeBody(response);
	const { token, cookieExpiresAt } = readToken(response, body, spec, now);
	options.remember(token);
	let refreshToken = options.previousRefreshToken;
	if (spec.refreshTokenPath && body.kind === 'json') {
		const value = valueAtPath(body.value, spec.refreshTokenPath);
		if (typeof value === 'string' && value) {
			options.remember(value);
			refreshToken = value;
		}
	}
	return { accessToken: token, refreshToken, obtainedAt: now, ...readExpiry(body, spec, token, cookieExpiresAt, now) };
}
