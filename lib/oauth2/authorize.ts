/**
 * Authorization code with PKCE, run outside n8n: for servers whose redirect cannot reach n8n.
 * A loopback callback server receives the code, simple-oauth2 exchanges it (with the PKCE
 * verifier), and the caller gets the tokens to paste into the credential.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenRequestError } from '../errors';
import { assertMaySendSecrets } from '../security/urlPolicy';
import { tokenAgentFor } from '../transport/agents';
import type { TlsSettings } from '../transport/tls';
import { createPkcePair } from './pkce';
import type { OAuth2Settings } from './settings';
import { authorizationUrl, exchangeCode, type TokenPayload } from './simpleOAuth2';

export interface AuthorizeSession {
	/** Open this URL in a browser and approve. */
	url: string;
	redirectUri: string;
	/** Resolves with the token endpoint's answer once the browser came back with a code. */
	tokens: Promise<TokenPayload>;
	close(): void;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** A page for the browser; the text may come from the provider (error_description), so it is escaped. */
const PAGE = (title: string, text: string): string =>
	`<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${escapeHtml(text)}</p></body>`;

export async function startAuthorization(
	settings: OAuth2Settings,
	tls: TlsSettings,
	options: { port?: number; timeoutMs?: number; now?: () => number } = {},
): Promise<AuthorizeSession> {
	if (!settings.authUrl) throw new TokenRequestError('Authorization URL is empty', { endpoint: '', fix: 'Fill in the Authorization URL.' });
	// The node's HTTPS rule (no Allow Plain HTTP here): the code and the client secret go to this URL.
	assertMaySendSecrets(settings.tokenUrl, { allowedDomains: [], allowPlainHttp: false }, 'Access Token URL');
	const pkce = createPkcePair();
	const state = randomBytes(16).toString('base64url');
	let settle: { resolve(p: TokenPayload): void; reject(e: Error): void } | undefined;
	const tokens = new Promise<TokenPayload>((resolve, reject) => {
		settle = { resolve, reject };
	});

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (url.pathname !== '/callback') {
			res.writeHead(404).end();
			return;
		}
		const fail = (message: string): void => {
			res.writeHead(400, { 'content-type': 'text/html' }).end(PAGE('Authorization failed', message));
			settle?.reject(new TokenRequestError(message, { endpoint: settings.authUrl?.origin ?? '', fix: 'Check the client settings at the provider and try again.' }));
		};
		// Not ours (a stale tab, or someone else's request): answered, but this session keeps waiting.
		if (url.searchParams.get('state') !== state) {
			res.writeHead(400, { 'content-type': 'text/html' }).end(PAGE('Authorization failed', 'The answer does not belong to this authorization (state mismatch).'));
			return;
		}
		const error = url.searchParams.get('error');
		if (error) return fail(`The provider refused: ${error} ${url.searchParams.get('error_description') ?? ''}`.trim());
		const code = url.searchParams.get('code');
		if (!code) return fail('The provider sent no authorization code.');
		exchangeCode(settings, { code, redirectUri, codeVerifier: pkce.verifier }, { agent: tokenAgentFor(settings.tokenUrl, tls), timeoutMs: options.timeoutMs ?? 30_000 }, options.now ?? Date.now).then(
			(payload) => {
				res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE('Authorized', 'You can close this window and return to the terminal.'));
				settle?.resolve(payload);
			},
			(exchangeError: Error) => {
				res.writeHead(502, { 'content-type': 'text/html' }).end(PAGE('Token exchange failed', 'See the terminal for the reason.'));
				settle?.reject(exchangeError);
			},
		);
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const redirectUri = `http://127.0.0.1:${port}/callback`;
	const close = (): void => {
		server.closeAllConnections();
		server.close();
	};
	void tokens.then(close, close);
	return { url: authorizationUrl(settings, { redirectUri, state, codeChallenge: pkce.challenge }), redirectUri, tokens, close };
}
