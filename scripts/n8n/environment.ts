/**
 * The environment of every n8n process the tooling starts (server and CLI alike): one user
 * folder, listening on 127.0.0.1 only, and nothing that calls out to n8n's services
 * (telemetry, version checks, templates, banners, verified-package lists, AI features).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../runtime';

export interface N8nSite {
	runtime: Runtime;
	/** N8N_USER_FOLDER: n8n keeps its database, settings and installed packages under <folder>/.n8n. */
	userFolder: string;
	port: number;
	/** Settings of this instance beyond the common ones (queue mode, a shared database, …); they win. */
	env?: Record<string, string>;
}

export function n8nUrl(site: N8nSite): string {
	return `http://localhost:${site.port}`;
}

/** Where n8n installs community packages; it loads every n8n-nodes-* folder in its node_modules. */
export function nodesFolder(site: N8nSite): string {
	return join(site.userFolder, '.n8n', 'nodes');
}

/**
 * CA certificates n8n's own HTTPS calls trust in addition to the system's: the demo API's, for
 * the token request n8n's OAuth2 callback makes after Connect.
 */
export function extraCaFile(site: N8nSite): string {
	return join(site.userFolder, 'extra-ca.pem');
}

/**
 * The server and a command-line run (n8n execute) each start a task-runner broker: they get
 * ports of their own, next to n8n's, so both can run at once.
 */
export function n8nEnvironment(site: N8nSite, role: 'server' | 'cli' = 'server'): NodeJS.ProcessEnv {
	const inherited = { ...process.env };
	// NODE_ENV=test (set by jest) makes n8n refuse to load nodes and silences its log.
	delete inherited.NODE_ENV;
	return {
		...inherited,
		PATH: site.runtime.path,
		N8N_USER_FOLDER: site.userFolder,
		N8N_PORT: String(site.port),
		N8N_HOST: 'localhost',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(site.port + (role === 'server' ? 1 : 2)),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
		...(existsSync(extraCaFile(site)) ? { NODE_EXTRA_CA_CERTS: extraCaFile(site) } : {}),
		// Nothing but localhost.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		// Its refresh task fetches the MCP server list from n8n's API at start.
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_SENTRY_DSN: '',
		N8N_FRONTEND_SENTRY_DSN: '',
		...site.env,
	};
}
