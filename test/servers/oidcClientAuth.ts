/**
 * Starts test/servers/oidcClientAuthProcess.mjs (oidc-provider, ESM-only) as a child process with one
 * client per authentication method, and collects what it reports of each token request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type KeyPairPem, signingCertificate, testPki, type TestPki } from './certs';

export interface TokenEvent {
	ok: boolean;
	client?: string;
	jti?: string;
	error?: string;
	detail?: string;
	sub?: string;
	scope?: string;
	/** The JWT bearer grant's scope request parameter. */
	scopeParam?: string;
	/** The client assertion (or the JWT bearer grant's assertion) the request carried. */
	assertion?: string;
}

export interface OidcClientAuthServer {
	origin: string;
	tokenUrl: string;
	jwtBearerTokenUrl: string;
	apiUrl: string;
	pki: TestPki;
	/** The Entra-style RSA signing key with its certificate (private_key_jwt, RS256/PS256, x5t#S256). */
	rsa: KeyPairPem;
	/** An EC P-256 signing key (ES256). */
	ec: { key: string };
	/** A key no client registered. */
	rogue: { key: string; cert: string };
	/** A Google-style service-account JSON key. */
	serviceAccount: { client_email: string; private_key: string; private_key_id: string; token_uri: string; type: string };
	clientSecret: string;
	tokens: TokenEvent[];
	/** Every assertion the server received since it started (tokens is cleared between tests). */
	assertions: string[];
	/** API calls refused for a missing, unknown or expired token. */
	apiRefusals: number;
	/** The lifetime (expires_in) of the tokens issued from now on. */
	setTtl(seconds: number): Promise<void>;
	close(): Promise<void>;
}

export const CLIENTS = {
	rsa: 'pkjwt-rsa',
	ec: 'pkjwt-ec',
	secretJwt: 'secret-jwt',
	mtls: 'mtls-client',
	selfSigned: 'mtls-self-signed',
	service: 'service-account',
} as const;

const jwk = (pem: string, extra: Record<string, unknown>) => ({ ...createPublicKey(pem).export({ format: 'jwk' }), ...extra });
const der = (pem: string) => new X509Certificate(pem).raw.toString('base64');

export async function startOidcClientAuthServer(options: { ttlSeconds?: number } = {}): Promise<OidcClientAuthServer> {
	const pki = await testPki();
	const rsa = await signingCertificate('n8n-workflows (Entra app certificate)');
	const ec = { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
	const rogue = await signingCertificate('rogue');
	const service = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const clientSecret = 'shared-5ecret-For-HS256-signing-0123456789abcdef';
	const noRedirect = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
	const clients = [
		{ client_id: CLIENTS.rsa, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk(rsa.key, { kid: 'entra-cert-1', x5c: [der(rsa.cert)] })] }, ...noRedirect },
		{ client_id: CLIENTS.ec, token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [jwk(ec.key, { kid: 'ec-1' })] }, ...noRedirect },
		{ client_id: CLIENTS.secretJwt, client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_jwt', ...noRedirect },
		{ client_id: CLIENTS.mtls, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: new X509Certificate(pki.client.cert).subject, ...noRedirect },
		// Registered by its certificate alone: the server need not trust its issuer.
		{ client_id: CLIENTS.selfSigned, token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [jwk(pki.strangerClient.cert, { x5c: [der(pki.strangerClient.cert)] })] }, ...noRedirect },
		{ client_id: CLIENTS.service, token_endpoint_auth_method: 'none', ...noRedirect },
	];
	const clientEmail = 'n8n-sync@example-project.iam.gserviceaccount.com';
	const config = {
		server: pki.server,
		clientCa: pki.clientCa.cert,
		clients,
		ttlSeconds: options.ttlSeconds ?? 3600,
		jwtBearer: { publicKey: service.publicKey.export({ format: 'pem', type: 'spki' }).toString(), clientEmail, clientId: CLIENTS.service },
	};
	const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidcClientAuthProcess.mjs')], {
		env: { ...process.env, CONFIG: JSON.stringify(config), NODE_OPTIONS: '' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const tokens: TokenEvent[] = [];
	const assertions: string[] = [];
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const origin = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`oidc-provider did not start within 30 s: ${stderr}`)), 30_000);
		child.once('exit', (code) => reject(new Error(`oidc-provider exited (${code}): ${stderr}`)));
		createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
			const event = JSON.parse(line) as { type: string; origin?: string } & TokenEvent;
			if (event.type === 'ready') {
				clearTimeout(timer);
				resolve(event.origin as string);
			} else if (event.type === 'api') {
				result.apiRefusals++;
			} else if (event.type === 'token') {
				tokens.push(event);
				if (event.assertion) assertions.push(event.assertion);
			}
		});
	});
	const privateKey = service.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
	const result: OidcClientAuthServer = {
		origin,
		tokenUrl: `${origin}/token`,
		jwtBearerTokenUrl: `${origin}/jwt-bearer/token`,
		apiUrl: `${origin}/api`,
		pki,
		rsa,
		ec,
		rogue,
		serviceAccount: { type: 'service_account', client_email: clientEmail, private_key: privateKey, private_key_id: 'a1b2c3d4e5f6', token_uri: `${origin}/jwt-bearer/token` },
		clientSecret,
		tokens,
		assertions,
		apiRefusals: 0,
		setTtl: async (seconds) => {
			const response = await postControl(`${origin}/control/ttl?seconds=${seconds}`, pki.ca.cert);
			if (response !== 204) throw new Error(`setting the token lifetime failed: HTTP ${response}`);
		},
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill();
			await exited;
		},
	};
	return result;
}

function postControl(url: string, ca: string): Promise<number | undefined> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method: 'POST', ca }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode));
		});
		req.on('error', reject);
		req.end();
	});
}
