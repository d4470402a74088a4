/**
 * The Token Request credential's fields, read and checked once: the login request, the optional
 * refresh request, where the answer holds the token and its expiry, and where the token goes.
 * Every mistake is a ConfigError naming the field, before any request is sent.
 */
import { parseHttpUrl } from '../auth/connection';
import type { CredentialReader } from '../auth/credentialReader';
import type { TokenPlacement } from '../auth/tokenAuth';
import { ConfigError } from '../errors';
import { pathProblem } from '../json/paths';
import { parseStatuses } from '../oauth2/settings';
import { assertHeaderName, assertNoLineBreaks } from '../security/headerSafety';
import { type BodyType, compileBody, compileHeaders, type CompiledBody, type CompiledHeaders, type Placeholder, PLACEHOLDERS, type TemplateValues } from './template';

export const TOKEN_REQUEST_FIELDS = {
	loginUrl: 'Login URL',
	loginMethod: 'Login Method',
	loginBodyType: 'Login Body Type',
	loginBody: 'Login Body',
	loginHeaders: 'Login Headers',
	loginAuth: 'Login Authentication',
	username: 'Username',
	password: 'Password',
	clientId: 'Client ID',
	clientSecret: 'Client Secret',
	apiKey: 'API Key',
	apiKeyHeader: 'API Key Header',
	refreshUrl: 'Refresh URL',
	refreshMethod: 'Refresh Method',
	refreshBodyType: 'Refresh Body Type',
	refreshBody: 'Refresh Body',
	refreshHeaders: 'Refresh Headers',
	refreshAuth: 'Refresh Authentication',
	refreshRefused: 'Refresh Refused Status Codes',
	tokenFrom: 'Token From',
	tokenPath: 'Token Path',
	tokenHeader: 'Token Header',
	tokenCookie: 'Token Cookie',
	refreshTokenPath: 'Refresh Token Path',
	expiry: 'Expiry',
	expiryPath: 'Expiry Path',
	lifetime: 'Token Lifetime (Minutes)',
	sendIn: 'Send Token In',
	prefix: 'Header Prefix',
	sendHeader: 'Header Name',
	sendQuery: 'Query Parameter Name',
	sendCookie: 'Cookie Name',
	margin: 'Refresh Before Expiry (Seconds)',
	window: 'Refresh Window (% of Lifetime)',
} as const;

export type RequestAuth = 'none' | 'basic' | 'apiKey';

export interface RequestSpec {
	url: URL;
	urlField: string;
	method: 'POST' | 'GET';
	body: CompiledBody;
	headers: CompiledHeaders;
	auth: RequestAuth;
	/** The templates as written, for the state's identity. */
	templates: string[];
}

export type TokenLocation = { from: 'json'; path: string } | { from: 'text' } | { from: 'header'; name: string } | { from: 'cookie'; name: string };

export const EXPIRY_KINDS = ['jwtOrFixed', 'fixed', 'secondsToLive', 'absolute', 'iso', 'epochSeconds', 'epochMilliseconds'] as const;
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];
export type ExpiryRule = { kind: 'jwtOrFixed' | 'fixed' } | { kind: Exclude<ExpiryKind, 'jwtOrFixed' | 'fixed'>; path: string };

export interface AnswerSpec {
	token: TokenLocation;
	refreshTokenPath?: string;
	expiry: ExpiryRule;
	/** The fixed lifetime, and the one used when a token carries no expiry of its own. */
	lifetimeMs: number;
}

export interface TokenRequestSettings {
	login: RequestSpec;
	refresh?: RequestSpec & { refusedStatuses: number[] };
	/** The credential's own values the templates may use (the refresh token is added per refresh). */
	values: TemplateValues;
	apiKeyHeader: string;
	answer: AnswerSpec;
	placement: TokenPlacement;
	refreshMarginMs: number;
	refreshWindowShare: number;
	retryUnknownOutcome: boolean;
}

const F = TOKEN_REQUEST_FIELDS;

function checkedPath(reader: CredentialReader, name: string, field: string, required: boolean): string | undefined {
	const path = reader.string(name, field, { required, fix: `Enter where the answer holds it, e.g. data.token or result[0].access.` });
	if (path === undefined) return undefined;
	const problem = pathProblem(path);
	if (problem) throw new ConfigError(field, `"${path}" ${problem}`, 'Write the path with dots and indexes, e.g. data.token or result[0].access.');
	return path;
}

function readRequest(reader: CredentialReader, prefix: 'login' | 'refresh', values: TemplateValues, available: readonly Placeholder[]): RequestSpec {
	const field = (key: string) => F[`${prefix}${key}` as keyof typeof F];
	const urlField = field('Url');
	const url = parseHttpUrl(reader.reference(`${prefix}Url`, urlField, { required: true }) as string, urlField, `https://api.example.com/auth/${prefix}`);
	const method = reader.option(`${prefix}Method`, field('Method'), ['POST', 'GET'] as const, 'POST');
	const bodyType: BodyType = reader.option(`${prefix}BodyType`, field('BodyType'), ['json', 'form', 'none'] as const, method === 'GET' ? 'none' : 'json');
	if (method === 'GET' && bodyType !== 'none') {
		throw new ConfigError(field('BodyType'), 'a GET request has no body', `Set ${field('BodyType')} to None, or ${field('Method')} to POST.`);
	}
	const bodyText = reader.string(`${prefix}Body`, field('Body'));
	const headersText = reader.string(`${prefix}Headers`, field('Headers'));
	const auth = reader.option(`${prefix}Authentication`, field('Auth'), ['none', 'basic', 'apiKey'] as const, 'none');
	if (auth === 'basic' && (!values.username || !values.password)) {
		throw new ConfigError(field('Auth'), 'Basic needs the Username and the Password', 'Fill in Username and Password, or choose another authentication for this request.');
	}
	if (auth === 'apiKey' && !values.apiKey) throw new ConfigError(field('Auth'), 'API Key Header needs the API Key', 'Fill in API Key, or choose another authentication for this request.');
	return {
		url,
		urlField,
		method,
		body: compileBody(bodyType, bodyText, field('Body'), available),
		headers: compileHeaders(headersText, field('Headers'), available),
		auth,
		templates: [bodyType, bodyText ?? '', headersText ?? ''],
	};
}

function readAnswer(reader: CredentialReader): AnswerSpec {
	const from = reader.option('tokenFrom', F.tokenFrom, ['json', 'text', 'header', 'cookie'] as const, 'json');
	let token: TokenLocation;
	if (from === 'json') token = { from, path: checkedPath(reader, 'tokenPath', F.tokenPath, true) as string };
	else if (from === 'header') {
		const name = reader.string('tokenHeader', F.tokenHeader, { required: true }) as string;
		assertHeaderName(name, F.tokenHeader);
		token = { from, name };
	} else if (from === 'cookie') token = { from, name: reader.string('tokenCookie', F.tokenCookie, { required: true }) as string };
	else token = { from };
	const kind = reader.option('expiry', F.expiry, EXPIRY_KINDS, 'jwtOrFixed');
	const expiry: ExpiryRule = kind === 'jwtOrFixed' || kind === 'fixed' ? { kind } : { kind, path: checkedPath(reader, 'expiryPath', F.expiryPath, true) as string };
	return {
		token,
		refreshTokenPath: checkedPath(reader, 'refreshTokenPath', F.refreshTokenPath, false),
		expiry,
		lifetimeMs: reader.number('lifetimeMinutes', F.lifetime, 60, { min: 1 / 60 }) * 60_000,
	};
}

function readPlacement(reader: CredentialReader, answer: AnswerSpec): TokenPlacement {
	const kind = reader.option('sendTokenIn', F.sendIn, ['header', 'customHeader', 'query', 'cookie'] as const, answer.token.from === 'cookie' ? 'cookie' : 'header');
	if (kind === 'header') return { kind, prefix: reader.prefix('headerPrefix', F.prefix) };
	if (kind === 'customHeader') {
		const name = reader.string('sendHeaderName', F.sendHeader, { required: true }) as string;
		assertHeaderName(name, F.sendHeader);
		return { kind, name };
	}
	if (kind === 'query') {
		const name = reader.string('sendQueryName', F.sendQuery) ?? 'access_token';
		assertNoLineBreaks(name, F.sendQuery, 'parameter name');
		return { kind, name };
	}
	const name = reader.string('sendCookieName', F.sendCookie) ?? (answer.token.from === 'cookie' ? answer.token.name : undefined);
	if (!name) throw new ConfigError(F.sendCookie, 'is empty', 'Enter the name of the cookie the API reads the token from, e.g. session.');
	if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new ConfigError(F.sendCookie, `"${name}" is not a valid cookie name`, 'Use letters, digits and - or _ only.');
	return { kind, name };
}

export function readTokenRequestSettings(reader: CredentialReader): TokenRequestSettings {
	const values: TemplateValues = {
		username: reader.reference('username', F.username),
		password: reader.secret('password', F.password),
		clientId: reader.reference('clientId', F.clientId),
		clientSecret: reader.secret('clientSecret', F.clientSecret),
		apiKey: reader.secret('apiKey', F.apiKey),
	};
	const filled = PLACEHOLDERS.filter((name) => values[name] !== undefined);
	const apiKeyHeader = reader.string('keyHeaderName', F.apiKeyHeader) ?? 'X-API-Key';
	assertHeaderName(apiKeyHeader, F.apiKeyHeader);
	const login = readRequest(reader, 'login', values, filled);
	const refresh = reader.boolean('useRefreshRequest')
		? { ...readRequest(reader, 'refresh', values, [...filled, 'refreshToken']), refusedStatuses: parseStatuses(reader.string('refreshRefusedStatusCodes', F.refreshRefused), F.refreshRefused, '400, 401') }
		: undefined;
	// A user name or client ID that a token request carries is part of the login there: redacted like the secrets.
	for (const name of ['username', 'clientId'] as const) {
		if ([login, refresh].some((request) => request && (request.body.names.includes(name) || request.headers.names.includes(name)))) reader.remember(values[name]);
	}
	const answer = readAnswer(reader);
	if (refresh && !answer.refreshTokenPath) {
		throw new ConfigError(F.refreshTokenPath, 'is empty while Use Refresh Request is on', 'Enter where the login answer holds the refresh token, e.g. data.refreshToken.');
	}
	if (refresh && !refresh.body.names.includes('refreshToken') && !refresh.headers.names.includes('refreshToken')) {
		throw new ConfigError(F.refreshBody, 'does not send {{refreshToken}}', 'Put {{refreshToken}} in the Refresh Body or Refresh Headers, e.g. {"refreshToken": "{{refreshToken}}"}.');
	}
	return {
		login,
		refresh,
		values,
		apiKeyHeader,
		answer,
		placement: readPlacement(reader, answer),
		refreshMarginMs: reader.number('refreshMarginSeconds', F.margin, 60, { min: 0 }) * 1000,
		refreshWindowShare: Math.min(0.9, reader.number('refreshWindowPercent', F.window, 10, { min: 0 }) / 100),
		retryUnknownOutcome: reader.boolean('retryRefreshOnUnknownOutcome'),
	};
}
