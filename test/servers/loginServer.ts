/**
 * A login API that is not OAuth2, in the shapes real ones take: JSON or form login answering
 * {"data": {"token", "refreshToken", "expires"}} with the expiry as ISO time, epoch seconds,
 * epoch milliseconds, seconds to live or a JWT's exp; an API-key endpoint answering a JWT as plain
 * text; a token in a response header; a session cookie. It rate-limits logins (429 + Retry-After
 * after `maxLoginsPerMinute`), rotates single-use refresh tokens and revokes the whole session
 * when one is used twice, and counts what happened so tests can assert the numbers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { type RecordedRequest, type RecordingServer, type Reply, startRecordingServer } from './recordingServer';

export type ExpiryFormat = 'iso' | 'epochSeconds' | 'epochMilliseconds' | 'secondsToLive' | 'jwt' | 'none';

export interface LoginServerOptions {
	users?: Record<string, string>;
	apiKey?: string;
	lifetimeMs?: number;
	expiryFormat?: ExpiryFormat;
	maxLoginsPerMinute?: number;
	/** The server's clock; a test shares the package's controllable clock with it. */
	now?: () => number;
}

export interface LoginCounts {
	logins: number;
	refusedLogins: number;
	rateLimited: number;
	refreshes: number;
	refusedRefreshes: number;
	revokedSessions: number;
	apiOk: number;
	api401: number;
}

export interface LoginServer extends RecordingServer {
	counts: LoginCounts;
	/** Every password a login carried, as the server decoded it. */
	passwords: string[];
	options: Required<Omit<LoginServerOptions, 'now'>>;
	/** Every token and refresh token issued, for the secret sweep. */
	issued: string[];
	/** Ends every session (as an admin would): their refresh tokens are refused from now on. */
	revokeAll(): void;
	reset(): void;
}

const SIGNING_KEY = randomBytes(32);

function jwt(claims: Record<string, unknown>): string {
	const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
	return `${unsigned}.${createHmac('sha256', SIGNING_KEY).update(unsigned).digest('base64url')}`;
}

function readBody(req: RecordedRequest): Record<string, unknown> {
	const text = req.body.toString('utf8');
	const type = String(req.headers['content-type'] ?? '');
	if (type.includes('json')) return JSON.parse(text) as Record<string, unknown>;
	if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
	return {};
}

export async function startLoginServer(opts: LoginServerOptions = {}): Promise<LoginServer> {
	const now = opts.now ?? Date.now;
	const options = { users: { alice: 'correct horse' }, apiKey: 'login-server-api-key-77', lifetimeMs: 15 * 60_000, expiryFormat: 'iso' as ExpiryFormat, maxLoginsPerMinute: 5, ...opts };
	delete (options as LoginServerOptions).now;
	const counts: LoginCounts = { logins: 0, refusedLogins: 0, rateLimited: 0, refreshes: 0, refusedRefreshes: 0, revokedSessions: 0, apiOk: 0, api401: 0 };
	const passwords: string[] = [];
	const issued: string[] = [];
	const loginTimes: number[] = [];
	const sessions = new Map<string, { revoked: boolean; user: string }>();
	const tokens = new Map<string, { session: string; expiresAt: number }>();
	const refreshTokens = new Map<string, { session: string; used: boolean }>();

	const expiryField = (expiresAt: number): Record<string, unknown> => {
		switch (options.expiryFormat) {
			case 'iso':
				return { expires: new Date(expiresAt).toISOString() };
			case 'epochSeconds':
				return { expires: Math.floor(expiresAt / 1000) };
			case 'epochMilliseconds':
				return { expires: expiresAt };
			case 'secondsToLive':
				return { expires: options.lifetimeMs / 1000 };
			default:
				return {};
		}
	};

	/** A new access token (and refresh token) of `session`. */
	const issue = (session: string, user: string): { token: string; refreshToken: string; expiresAt: number } => {
		// JWT exp has whole seconds: the server holds the token to the same instant.
		const expiresAt = options.expiryFormat === 'jwt' || options.expiryFormat === 'epochSeconds' ? Math.floor((now() + options.lifetimeMs) / 1000) * 1000 : now() + options.lifetimeMs;
		const token = options.expiryFormat === 'jwt' ? jwt({ sub: user, exp: expiresAt / 1000, jti: randomBytes(6).toString('hex') }) : `tok_${randomBytes(12).toString('hex')}`;
		const refreshToken = `rt_${randomBytes(12).toString('hex')}`;
		tokens.set(token, { session, expiresAt });
		refreshTokens.set(refreshToken, { session, used: false });
		issued.push(token, refreshToken);
		return { token, refreshToken, expiresAt };
	};

	const newSession = (user: string) => {
		const id = randomBytes(6).toString('hex');
		sessions.set(id, { revoked: false, user });
		return id;
	};

	/** Counts a login attempt; a 429 when more than the limit came within the last minute. */
	const rateLimit = (): Reply | undefined => {
		const at = now();
		while (loginTimes.length && loginTimes[0] <= at - 60_000) loginTimes.shift();
		if (loginTimes.length >= options.maxLoginsPerMinute) {
			counts.rateLimited++;
			return { status: 429, headers: { 'retry-after': String(Math.ceil((loginTimes[0] + 60_000 - at) / 1000)) }, body: { message: 'Too many login attempts' } };
		}
		loginTimes.push(at);
		return undefined;
	};

	const login = (req: RecordedRequest): Reply => {
		const limited = rateLimit();
		if (limited) return limited;
		const body = readBody(req);
		const basic = String(req.headers.authorization ?? '').match(/^Basic (.+)$/);
		const [user, password] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(/:(.*)/s) : [String(body.username ?? ''), String(body.password ?? '')];
		passwords.push(password);
		if (!user || options.users[user] !== password) {
			counts.refusedLogins++;
			return { status: 401, body: { error: 'invalid_credentials', message: 'Invalid username or password' } };
		}
		counts.logins++;
		const { token, refreshToken, expiresAt } = issue(newSession(user), user);
		if (req.path === '/auth/login-header') return { status: 200, headers: { 'x-auth-token': token }, body: { ok: true } };
		if (req.path === '/session/login') {
			return { status: 200, headers: { 'set-cookie': [`theme=dark; Path=/`, `sid=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor((expiresAt - now()) / 1000)}`] }, body: { ok: true } };
		}
		return { status: 200, body: { data: { token, refreshToken, ...expiryField(expiresAt), user: { name: user } } } };
	};

	const refresh = (req: RecordedRequest): Reply => {
		const presented = String(readBody(req).refreshToken ?? '');
		const known = refreshTokens.get(presented);
		const session = known && sessions.get(known.session);
		if (!known || !session || session.revoked) {
			counts.refusedRefreshes++;
			return { status: 401, body: { message: 'Unknown or revoked refresh token' } };
		}
		if (known.used) {
			// Reuse of a rotated refresh token: a thief or a lost race; the whole session goes.
			session.revoked = true;
			counts.revokedSessions++;
			counts.refusedRefreshes++;
			return { status: 401, body: { message: 'Refresh token reused; session revoked' } };
		}
		known.used = true;
		counts.refreshes++;
		const { token, refreshToken, expiresAt } = issue(known.session, session.user);
		return { status: 200, body: { data: { token, refreshToken, ...expiryField(expiresAt) } } };
	};

	const apiToken = (req: RecordedRequest): Reply => {
		if (req.headers['x-api-key'] !== options.apiKey) return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'invalid api key' };
		const limited = rateLimit();
		if (limited) return limited;
		counts.logins++;
		const { token } = issue(newSession('key'), 'key');
		return { status: 200, headers: { 'content-type': 'text/plain' }, body: token };
	};

	const api = (req: RecordedRequest): Reply => {
		const cookie = String(req.headers.cookie ?? '').match(/(?:^|;\s*)sid=([^;]+)/)?.[1];
		const bearer = String(req.headers.authorization ?? '').match(/^Bearer (.+)$/)?.[1];
		const presented = bearer ?? (req.headers['x-auth-token'] as string | undefined) ?? cookie ?? req.query.get('access_token') ?? '';
		const token = tokens.get(presented);
		const session = token && sessions.get(token.session);
		if (!token || !session || session.revoked || token.expiresAt <= now()) {
			counts.api401++;
			return { status: 401, body: { message: 'token expired or invalid' } };
		}
		counts.apiOk++;
		return { status: 200, body: { ok: true, user: session.user, path: req.path } };
	};

	const server = await startRecordingServer({
		handler: (req) => {
			if (req.method === 'POST' && ['/auth/login', '/auth/login-header', '/session/login'].includes(req.path)) return login(req);
			if (req.method === 'POST' && req.path === '/auth/refresh') return refresh(req);
			if (req.method === 'POST' && req.path === '/api/token') return apiToken(req);
			if (req.path === '/login-page') return { status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Sign in</body></html>' };
			if (req.path.startsWith('/api/')) return api(req);
			return { status: 404, body: { message: 'not found' } };
		},
	});
	return Object.assign(server, {
		counts,
		passwords,
		options,
		issued,
		revokeAll: () => sessions.forEach((s) => (s.revoked = true)),
		reset: () => {
			for (const key of Object.keys(counts) as Array<keyof LoginCounts>) counts[key] = 0;
			passwords.length = 0;
			loginTimes.length = 0;
			server.requests.length = 0;
		},
	});
}
