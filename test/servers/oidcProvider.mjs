/**
 * A certified OpenID Connect server (oidc-provider, ESM-only, hence this plain script run as a
 * child process) issuing JWT access tokens for one resource (RFC 8707), with an API beside it
 * that checks them strictly (signature, audience, exp to the second), on 127.0.0.1.
 *
 *   env OIDC_TTL_SECONDS  access token lifetime (whole seconds, as the server puts it in exp)
 *   POST /token           the provider's token endpoint: client credentials, refresh (rotating:
 *                         a used refresh token revokes the grant, invalid_grant)
 *   POST /admin/grant     mints a refresh token for a fresh grant (as if a user had consented)
 *   GET  /admin/stats     token calls, invalid_grant answers, API answers by status
 *   ANY  /api/...         200 with the token's subject, 401 for a missing, bad or expired token
 * Prints one JSON line {"url": ...} once listening.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import Provider from 'oidc-provider';

const TTL = Number(process.env.OIDC_TTL_SECONDS || 5);
const RESOURCE = 'https://api.test/';
const CLIENT = { client_id: 'oidc-client', client_secret: 'oidc-5ecret-Value-Kq72' };

const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(url, {
	clients: [{ ...CLIENT, grant_types: ['client_credentials', 'refresh_token', 'authorization_code'], redirect_uris: ['http://127.0.0.1/callback'], response_types: ['code'], scope: 'openid offline_access api:read' }],
	jwks: { keys: [jwk] },
	scopes: ['openid', 'offline_access', 'api:read'],
	features: {
		clientCredentials: { enabled: true },
		devInteractions: { enabled: false },
		resourceIndicators: {
			enabled: true,
			defaultResource: () => RESOURCE,
			useGrantedResource: () => true,
			getResourceServerInfo: () => ({ scope: 'api:read', audience: RESOURCE, accessTokenTTL: TTL, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
		},
	},
	rotateRefreshToken: true,
	ttl: { RefreshToken: 24 * 3600, Grant: 24 * 3600, ClientCredentials: TTL, AccessToken: TTL },
	issueRefreshToken: () => true,
});
provider.proxy = false;

const stats = { tokenCalls: {}, invalidGrant: 0, api: {}, tokenErrors: {}, rejections: [], loopDelayMaxMs: 0 };
// How late this server's event loop ran: a stall here delays the API's reading of a request.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const countCall = (ctx) => {
	const grantType = ctx.oidc?.params?.grant_type ?? 'unknown';
	stats.tokenCalls[grantType] = (stats.tokenCalls[grantType] ?? 0) + 1;
};
provider.on('grant.success', countCall);
provider.on('grant.error', (ctx, error) => {
	countCall(ctx);
	stats.tokenErrors[error.error] = (stats.tokenErrors[error.error] ?? 0) + 1;
	if (error.error === 'invalid_grant') stats.invalidGrant++;
});

async function mintGrant() {
	const client = await provider.Client.find(CLIENT.client_id);
	const grant = new provider.Grant({ accountId: 'alice', clientId: CLIENT.client_id });
	grant.addOIDCScope('openid offline_access');
	grant.addResourceScope(RESOURCE, 'api:read');
	const grantId = await grant.save();
	const refreshToken = new provider.RefreshToken({
		accountId: 'alice',
		client,
		grantId,
		scope: 'openid offline_access',
		resource: RESOURCE,
		gty: 'authorization_code',
		authTime: Math.floor(Date.now() / 1000),
	});
	return await refreshToken.save();
}

/**
 * Checked as of the request's arrival: the question is whether the client sent an expired token,
 * not how long this busy test process took to get to it.
 */
async function checkToken(authorization, arrivedAt) {
	const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
	if (!token) return undefined;
	try {
		const { payload } = await jwtVerify(token, publicKey, { issuer: url, audience: RESOURCE, currentDate: new Date(arrivedAt) });
		return payload;
	} catch (error) {
		// Why, for the first few: the error code and how late the token was (ms past its exp).
		if (stats.rejections.length < 5) {
			const exp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}').exp;
			stats.rejections.push({ code: error.code, lateMs: exp ? arrivedAt - exp * 1000 : undefined });
		}
		return undefined;
	}
}

const callback = provider.callback();
server.on('request', async (req, res) => {
	const arrivedAt = Date.now();
	const path = new URL(req.url, url).pathname;
	const json = (status, body) => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	};
	if (path === '/admin/stats') return json(200, { ...stats, loopDelayMaxMs: loopDelay.max / 1e6 });
	if (path === '/admin/reset') {
		stats.tokenCalls = {};
		stats.invalidGrant = 0;
		stats.api = {};
		stats.tokenErrors = {};
		stats.rejections = [];
		loopDelay.reset();
		return json(200, stats);
	}
	if (path === '/admin/grant') return json(200, { refreshToken: await mintGrant() });
	if (path.startsWith('/api/')) {
		const payload = await checkToken(req.headers.authorization, arrivedAt);
		const status = payload ? 200 : 401;
		stats.api[status] = (stats.api[status] ?? 0) + 1;
		req.resume();
		return payload ? json(200, { ok: true, sub: payload.sub ?? payload.client_id }) : json(401, { error: 'invalid_token' });
	}
	return callback(req, res);
});

process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => process.exit(0));
