/** The OAuth2 credential fields, read and checked once: what the grants and the lifecycle need. */
import { parseHttpUrl } from '../auth/connection';
import type { CredentialReader } from '../auth/credentialReader';
import type { GrantLabel } from '../diagnosis';
import { ConfigError } from '../errors';
import { assertNoLineBreaks } from '../security/headerSafety';
import type { TokenPlacement } from '../auth/tokenAuth';
import type { TlsSettings } from '../transport/tls';
import { type ClientAuth, readClientAuth } from './clientAuth';
import { type JwtBearerSettings, readJwtBearer, readServiceAccountKey } from './jwtBearer';
import type { TokenFieldMapping } from './tokenResponse';

const NO_TLS: TlsSettings = { rejectUnauthorized: true, fingerprint: '' };
/** n8n's Connect callback exchanges the code itself, with header or body only. */
const SECRET_METHODS = ['header', 'body'] as const;

/** Tokens the credential already holds: a pasted refresh token, or what n8n's Connect stored. */
export interface TokenSeed {
	/** Absent for providers that issue long-lived tokens without one (e.g. GitHub OAuth apps). */
	refreshToken?: string;
	accessToken?: string;
	/** Epoch ms, when known. */
	expiresAt?: number;
}

export interface OAuth2Settings {
	grant: GrantLabel;
	tokenUrl: URL;
	authUrl?: URL;
	clientId: string;
	clientSecret: string;
	clientAuth: ClientAuth;
	/** The JWT bearer grant's assertion settings (grant jwtBearer only). */
	jwtBearer?: JwtBearerSettings;
	/** Registers a value made while running (a signed assertion) for redaction. */
	remember?(value: string | undefined): void;
	scopes: string[];
	audience?: string;
	resources: string[];
	extraParams: Record<string, string>;
	username?: string;
	password?: string;
	seed?: TokenSeed;
	placement: TokenPlacement;
	expiredStatuses: number[];
	refreshMarginMs: number;
	refreshWindowShare: number;
	defaultLifetimeMs: number;
	retryUnknownOutcome: boolean;
	mapping: TokenFieldMapping;
}

export const OAUTH2_FIELDS = {
	grant: 'Grant Type',
	tokenUrl: 'Access Token URL',
	authUrl: 'Authorization URL',
	clientId: 'Client ID',
	clientSecret: 'Client Secret',
	clientAuth: 'Client Authentication',
	scope: 'Scope',
	audience: 'Audience',
	resource: 'Resource',
	extra: 'Extra Token Parameters',
	username: 'Username',
	password: 'Password',
	refreshToken: 'Refresh Token',
	accessToken: 'Access Token',
	placement: 'Send Token In',
	prefix: 'Header Prefix',
	queryName: 'Query Parameter Name',
	expiredStatuses: 'Token Expired Status Codes',
	margin: 'Refresh Before Expiry (Seconds)',
	window: 'Refresh Window (% of Lifetime)',
	lifetime: 'Default Token Lifetime (Minutes)',
	connect: 'Connect',
} as const;

/** Parameters the grants set themselves; extra parameters may not override them. */
const RESERVED = new Set(['grant_type', 'client_id', 'client_secret', 'refresh_token', 'code', 'code_verifier', 'redirect_uri', 'username', 'password', 'scope']);
/** RFC 6749 Appendix A: client_id and client_secret are printable ASCII. */
const VSCHAR = /^[\x20-\x7E]*$/;

export function splitList(text: string | undefined): string[] {
	return (text ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

export function parseExtraParams(text: string | undefined): Record<string, string> {
	const raw = (text ?? '').trim();
	if (!raw) return {};
	let entries: Array<[string, string]>;
	if (raw.startsWith('{')) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(raw);
		} catch {
			throw new ConfigError(OAUTH2_FIELDS.extra, 'is not valid JSON', 'Write a JSON object such as {"tenant": "acme"}, or name=value pairs joined by &.');
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new ConfigError(OAUTH2_FIELDS.extra, 'must be a JSON object', 'Write a JSON object such as {"tenant": "acme"}.');
		}
		entries = Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
	} else {
		entries = [...new URLSearchParams(raw)];
	}
	for (const [name, value] of entries) {
		if (!name) throw new ConfigError(OAUTH2_FIELDS.extra, 'contains a parameter without a name', 'Write name=value pairs joined by &.');
		if (RESERVED.has(name)) {
			throw new ConfigError(OAUTH2_FIELDS.extra, `may not set "${name}"`, `Remove "${name}": the credential's own fields set it.`);
		}
		assertNoLineBreaks(value, OAUTH2_FIELDS.extra);
	}
	return Object.fromEntries(entries);
}

export function parseStatuses(text: string | undefined, field: string = OAUTH2_FIELDS.expiredStatuses, fallback = '401'): number[] {
	const list = splitList(text || fallback).map(Number);
	if (list.some((n) => !Number.isInteger(n) || n < 400 || n > 599)) {
		throw new ConfigError(field, `"${text}" is not a list of HTTP error statuses`, 'Enter codes between 400 and 599 separated by commas, e.g. 401, 403.');
	}
	return list;
}

function asciiSecret(value: string, field: string): string {
	if (!VSCHAR.test(value)) {
		throw new ConfigError(field, 'contains characters other than printable ASCII, which OAuth2 does not allow here (RFC 6749, Appendix A)', `Check ${field}: it may contain a stray character from copying.`);
	}
	return value;
}

/** Expiry of the tokens n8n's Connect stored: its own n8n_expires_at, else unknown. */
function seedFromConnect(reader: CredentialReader, raw: Record<string, unknown>): TokenSeed {
	const data = raw.oauthTokenData as Record<string, unknown> | undefined;
	const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
	const refreshToken = text(data?.refresh_token);
	const accessToken = text(data?.access_token);
	if (!refreshToken && !accessToken) {
		throw new ConfigError(OAUTH2_FIELDS.connect, 'the credential is not connected yet', 'Open the credential and press Connect (or Reconnect).');
	}
	const expires = Number(data?.n8n_expires_at);
	reader.remember(refreshToken, accessToken);
	return { refreshToken, accessToken, expiresAt: Number.isFinite(expires) && expires > 0 ? expires : undefined };
}

/** `tls` is the credential's TLS settings: tls_client_auth needs its client certificate. */
export function readOAuth2Settings(reader: CredentialReader, connect: boolean, tls: TlsSettings = NO_TLS): OAuth2Settings {
	const grant = connect
		? 'authorizationCode'
		: reader.option('grantType', OAUTH2_FIELDS.grant, ['clientCredentials', 'password', 'authorizationCode', 'jwtBearer'] as const, 'clientCredentials');
	// The JWT bearer grant signs its own request: no client ID or secret (a pasted JSON key names the token URL).
	const jwtBearer = grant === 'jwtBearer';
	const serviceAccount = jwtBearer ? readServiceAccountKey(reader) : undefined;
	const tokenText = serviceAccount?.token_uri ?? (reader.reference('accessTokenUrl', OAUTH2_FIELDS.tokenUrl, { required: true }) as string);
	const tokenUrl = parseHttpUrl(tokenText, OAUTH2_FIELDS.tokenUrl, 'https://auth.example.com/oauth/token');
	const authText = reader.reference('authUrl', OAUTH2_FIELDS.authUrl);
	const clientId = jwtBearer ? '' : asciiSecret(reader.reference('clientId', OAUTH2_FIELDS.clientId, { required: true }) as string, OAUTH2_FIELDS.clientId);
	const clientSecret = jwtBearer ? '' : asciiSecret(reader.secret('clientSecret', OAUTH2_FIELDS.clientSecret) ?? '', OAUTH2_FIELDS.clientSecret);
	const placementKind = reader.option('tokenPlacement', OAUTH2_FIELDS.placement, ['header', 'query'] as const, 'header');
	const prefix = reader.prefix('headerPrefix', OAUTH2_FIELDS.prefix);
	const queryName = reader.string('tokenQueryParameter', OAUTH2_FIELDS.queryName) ?? 'access_token';
	assertNoLineBreaks(queryName, OAUTH2_FIELDS.queryName, 'parameter name');

	const settings: OAuth2Settings = {
		grant,
		tokenUrl,
		authUrl: authText ? parseHttpUrl(authText, OAUTH2_FIELDS.authUrl) : undefined,
		clientId,
		clientSecret,
		clientAuth: jwtBearer ? { method: 'none' } : readClientAuth(reader, OAUTH2_FIELDS, clientSecret, tls, connect ? SECRET_METHODS : undefined),
		jwtBearer: jwtBearer ? readJwtBearer(reader, serviceAccount) : undefined,
		remember: (value) => reader.remember(value),
		scopes: splitList(reader.string('scope', OAUTH2_FIELDS.scope)),
		audience: reader.string('audience', OAUTH2_FIELDS.audience),
		resources: splitList(reader.string('resource', OAUTH2_FIELDS.resource)),
		extraParams: parseExtraParams(reader.string('extraTokenParameters', OAUTH2_FIELDS.extra)),
		placement: placementKind === 'header' ? { kind: 'header', prefix } : { kind: 'query', name: queryName },
		expiredStatuses: parseStatuses(reader.string('expiredStatusCodes', OAUTH2_FIELDS.expiredStatuses)),
		refreshMarginMs: reader.number('refreshMarginSeconds', OAUTH2_FIELDS.margin, 60, { min: 0 }) * 1000,
		refreshWindowShare: Math.min(0.9, reader.number('refreshWindowPercent', OAUTH2_FIELDS.window, 10, { min: 0 }) / 100),
		defaultLifetimeMs: reader.number('defaultLifetimeMinutes', OAUTH2_FIELDS.lifetime, 60, { min: 1 / 60 }) * 60_000,
		retryUnknownOutcome: reader.boolean('retryRefreshOnUnknownOutcome'),
		mapping: reader.boolean('customTokenResponse')
			? {
				accessToken: reader.string('accessTokenField', 'Access Token Field') ?? 'access_token',
				refreshToken: reader.string('refreshTokenField', 'Refresh Token Field') ?? 'refresh_token',
				expiresIn: reader.string('expiresInField', 'Expires In Field') ?? 'expires_in',
				expiresAt: reader.string('expiresAtField', 'Expires At Field') ?? 'expires_at',
				tokenType: reader.string('tokenTypeField', 'Token Type Field') ?? 'token_type',
			}
			: DEFAULT_MAPPING,
	};
	if (grant === 'password') {
		settings.username = reader.reference('username', OAUTH2_FIELDS.username, { required: true });
		settings.password = reader.secret('password', OAUTH2_FIELDS.password, { required: true });
	}
	return settings;
}

/** The tokens an authorization-code credential starts from: pasted, or stored by n8n's Connect. */
export function readTokenSeed(reader: CredentialReader, raw: Record<string, unknown>, connect: boolean): TokenSeed {
	if (connect) return seedFromConnect(reader, raw);
	const refreshToken = reader.secret('refreshToken', OAUTH2_FIELDS.refreshToken, {
		required: true,
		fix: 'Paste the refresh token obtained when the user authorized the client (see "Authorization code without Connect" in the documentation).',
	}) as string;
	const accessToken = reader.secret('accessToken', OAUTH2_FIELDS.accessToken);
	return { refreshToken: refreshToken.trim(), accessToken: accessToken?.trim() };
}

export const DEFAULT_MAPPING: TokenFieldMapping = {
	accessToken: 'access_token',
	refreshToken: 'refresh_token',
	expiresIn: 'expires_in',
	expiresAt: 'expires_at',
	tokenType: 'token_type',
};
