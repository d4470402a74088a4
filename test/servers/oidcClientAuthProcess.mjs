/**
 * oidc-provider (a certified OpenID server) over HTTPS on 127.0.0.1, in its own process (it is
 * ESM-only), for the client authentication methods without shared secrets. oidc-provider itself
 * verifies private_key_jwt, client_secret_jwt, tls_client_auth and self_signed_tls_client_auth
 * (signature, iss/sub, aud, exp/nbf with its 15 s tolerance, jti replay). Beside it, on the same
 * server:
 *   POST /jwt-bearer/token  the JWT bearer grant (RFC 7523 §2.1) as Google answers it: the
 *                           assertion's signature is verified with the service account's public
 *                           key (jose), then an oidc-provider access token is issued;
 *   GET  /api/...           an API that accepts only live access tokens of this provider.
 * Input: the CONFIG environment variable (JSON). Output: JSON lines on stdout, {type: 'ready'}
 * first, then one {type: 'token'} per token request (client, jti of its assertion, outcome).
 */
import { createServer } from 'node:https';
import { createPublicKey } from 'node:crypto';
import Provider from 'oidc-provider';
import { decodeJwt, jwtVerify } from 'jose';

const config = JSON.parse(process.env.CONFIG);
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const peer = (ctx) => ctx.socket.getPeerX509Certificate?.();

const jtiOf = (assertion) => {
	try {
		return decodeJwt(assertion).jti;
	} catch {
		return undefined;
	}
};

const server = createServer({ key: config.server.key, cert: config.server.cert, ca: [config.clientCa], requestCert: true, rejectUnauthorized: false });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `https://127.0.0.1:${server.address().port}`;

const provider = new Provider(origin, {
	clients: config.clients,
	clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth', 'none'],
	features: {
		devInteractions: { enabled: false },
		clientCredentials: { enabled: true },
		mTLS: {
			enabled: true,
			tlsClientAuth: true,
			selfSignedTlsClientAuth: true,
			getCertificate: (ctx) => peer(ctx)?.toString(),
			certificateAuthorized: (ctx) => ctx.socket.authorized === true,
			certificateSubjectMatches: (ctx, property, expected) => property === 'tls_client_auth_subject_dn' && peer(ctx)?.subject === expected,
		},
	},
	ttl: { ClientCredentials: () => config.ttlSeconds },
});

// The assertion itself is reported too: the tests look for it in everything n8n shows.
provider.on('grant.success', (ctx) => {
	const assertion = ctx.oidc.params.client_assertion;
	emit({ type: 'token', ok: true, client: ctx.oidc.client?.clientId, jti: jtiOf(assertion), assertion });
});
provider.on('grant.error', (ctx, error) => {
	const assertion = ctx.oidc.params?.client_assertion;
	emit({ type: 'token', ok: false, client: ctx.oidc.client?.clientId ?? ctx.oidc.params?.client_id, jti: jtiOf(assertion), assertion, error: error.error, detail: error.error_detail });
});

/** Google's answers for a refused assertion (invalid_grant, 400). */
const refuseWith = (res, description, detail, assertion) => {
	emit({ type: 'token', ok: false, client: 'jwt-bearer', error: 'invalid_grant', detail, assertion });
	res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ error: 'invalid_grant', error_description: description }));
};

const seenJti = new Set();

async function jwtBearer(req, res) {
	const chunks = [];
	for await (const chunk of req) chunks.push(chunk);
	const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
	if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
		res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' }));
		return;
	}
	const { jwtBearer: account } = config;
	const assertion = form.get('assertion') ?? '';
	const refuse = (description, detail) => refuseWith(res, description, detail, assertion);
	let payload;
	try {
		({ payload } = await jwtVerify(assertion, createPublicKey(account.publicKey), { algorithms: ['RS256'], clockTolerance: 15, requiredClaims: ['iss', 'aud', 'exp', 'iat'] }));
	} catch (error) {
		if (error.code === 'ERR_JWT_EXPIRED' || error.claim === 'iat' || error.claim === 'nbf') {
			return refuse('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.', error.code);
		}
		return refuse('Invalid JWT Signature.', error.code);
	}
	if (payload.aud !== `${origin}/jwt-bearer/token`) return refuse('Invalid JWT: audience is not the token endpoint.', 'aud');
	if (payload.iss !== account.clientEmail) return refuse('Invalid JWT: issuer is not the service account.', 'iss');
	if (payload.exp - payload.iat > 3600) return refuse('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.', 'lifetime');
	if (typeof payload.jti === 'string') {
		if (seenJti.has(payload.jti)) return refuse('Invalid JWT: jti was used before.', 'replay');
		seenJti.add(payload.jti);
	}
	const client = await provider.Client.find(account.clientId);
	const token = new provider.ClientCredentials({ client, scope: undefined });
	const value = await token.save();
	emit({ type: 'token', ok: true, client: 'jwt-bearer', jti: payload.jti, sub: payload.sub, scope: payload.scope, scopeParam: form.get('scope') ?? undefined, assertion });
	res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ access_token: value, expires_in: config.ttlSeconds, token_type: 'Bearer' }));
}

async function api(req, res) {
	const value = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
	const token = value ? await provider.ClientCredentials.find(value) : undefined;
	if (!token || token.isExpired) {
		emit({ type: 'api', ok: false });
		res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' }).end(JSON.stringify({ error: 'invalid_token' }));
		return;
	}
	res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, client: token.clientId, path: req.url }));
}

/** POST /control/ttl?seconds=N: the lifetime of the tokens issued from now on. */
async function control(req, res) {
	config.ttlSeconds = Number(new URL(req.url, origin).searchParams.get('seconds'));
	res.writeHead(204).end();
}

const callback = provider.callback();
server.on('request', (req, res) => {
	const route = req.url.startsWith('/api/') ? api : req.url === '/jwt-bearer/token' ? jwtBearer : req.url.startsWith('/control/ttl') ? control : undefined;
	if (!route) return callback(req, res);
	route(req, res).catch((error) => {
		res.writeHead(500).end(String(error.message));
	});
});

emit({ type: 'ready', origin });
