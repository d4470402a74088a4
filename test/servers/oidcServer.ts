/**
 * Starts oidcProvider.mjs (oidcProvider.mjs: oidc-provider is ESM-only: it runs in its own Node process, outside
 * jest's module system) and talks to its admin endpoints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const OIDC_CLIENT = { id: 'oidc-client', secret: 'oidc-5ecret-Value-Kq72' };
export const OIDC_RESOURCE = 'https://api.test/';

export interface OidcStats {
	tokenCalls: Record<string, number>;
	invalidGrant: number;
	tokenErrors: Record<string, number>;
	/** API answers by status. */
	api: Record<string, number>;
	/** The first few API rejections: jose's error code, and how many ms past its exp the token was. */
	rejections: Array<{ code?: string; lateMs?: number }>;
	/** The longest the server's event loop ran late since the last reset. */
	loopDelayMaxMs: number;
}

export interface OidcServer {
	url: string;
	tokenUrl: string;
	apiUrl: string;
	/** A refresh token of a fresh grant (as if a user had consented). */
	grant(): Promise<string>;
	stats(): Promise<OidcStats>;
	reset(): Promise<void>;
	close(): Promise<void>;
}

export async function startOidcServer(ttlSeconds: number): Promise<OidcServer> {
	const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidcProvider.mjs')], {
		env: { ...process.env, OIDC_TTL_SECONDS: String(ttlSeconds), NODE_NO_WARNINGS: '1' },
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('oidcProvider.mjs did not start within 30 s')), 30_000);
		child.once('exit', (code) => reject(new Error(`oidcProvider.mjs exited (${code})`)));
		createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
			clearTimeout(timer);
			resolve((JSON.parse(line) as { url: string }).url);
		});
	});
	const admin = async <T>(path: string): Promise<T> => (await (await fetch(`${url}/admin/${path}`, { method: 'POST' })).json()) as T;
	return {
		url,
		tokenUrl: `${url}/token`,
		apiUrl: `${url}/api`,
		grant: async () => (await admin<{ refreshToken: string }>('grant')).refreshToken,
		stats: async () => await admin<OidcStats>('stats'),
		reset: async () => void (await admin('reset')),
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
