/**
 * What the global setup started, handed to the test files through environment variables (they
 * run in other processes).
 */
import type { DemoApi } from '../../../scripts/demo/api';
import type { N8nSite } from '../../../scripts/n8n/environment';

export interface E2eContext {
	site: N8nSite;
	n8nUrl: string;
	apiUrl: string;
	oauthUrl: string;
	caCert: string;
	/** Lifetime of the demo OAuth2 server's access tokens. */
	tokenLifetimeSeconds: number;
}

const ENV = 'N8N_API_AUTH_E2E_CONTEXT';

export function saveContext(context: E2eContext): void {
	process.env[ENV] = JSON.stringify(context);
}

export function e2eContext(): E2eContext {
	const raw = process.env[ENV];
	if (!raw) throw new Error('The end-to-end context is missing: run these tests with "npm run test:e2e".');
	return JSON.parse(raw) as E2eContext;
}

/** The demo API as the fixtures read it (its addresses and CA), for filling forms like the demo credentials. */
export function demoApiOf(context: E2eContext): DemoApi {
	return { apiUrl: context.apiUrl, oauthUrl: context.oauthUrl, caCert: context.caCert, connectGrant: { accessToken: '', refreshToken: '' } } as DemoApi;
}
