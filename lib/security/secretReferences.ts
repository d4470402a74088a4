/**
 * Secrets by reference: a secret field may hold `$env:NAME` or `$file:NAME` instead of a value.
 * The operator decides what may be read, through two variables of the n8n process:
 *   N8N_API_AUTH_SECRET_ENV_PREFIX  only variables whose names start with it (unset: env references off);
 *                                   never N8N_ENCRYPTION_KEY nor the package's own N8N_API_AUTH_* settings
 *   N8N_API_AUTH_SECRETS_DIR        only files inside it, after resolving .. and symlinks (unset: file references off)
 * References are resolved in the process that runs the item, each time a run starts, so a rotated
 * file or a worker's own environment is used without a restart. Errors name the field and the
 * variable or file, never a value. The gates hold for the whole instance: whoever may create a
 * credential may use every value they let through (README, Security: threat model).
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors';

export const ENV_PREFIX_VARIABLE = 'N8N_API_AUTH_SECRET_ENV_PREFIX';
export const SECRETS_DIR_VARIABLE = 'N8N_API_AUTH_SECRETS_DIR';
/** Never readable, whatever the prefix: n8n's own key, and the package's own settings (the gates, the Redis URL, …). */
const ALWAYS_DENIED = new Set(['N8N_ENCRYPTION_KEY']);
const OWN_SETTINGS_PREFIX = 'N8N_API_AUTH_';
const MAX_FILE_BYTES = 1024 * 1024;
const REFERENCE = /^\$(env|file):(.+)$/s;

export type SecretOrigin =
	| { source: 'stored' }
	| { source: 'env'; name: string }
	| { source: 'file'; name: string };

export interface ResolvedSecret {
	value: string;
	origin: SecretOrigin;
}

export function describeOrigin(origin: SecretOrigin): string {
	return origin.source === 'stored' ? 'stored' : `${origin.source}:${origin.name}`;
}

function resolveEnv(name: string, field: string, env: NodeJS.ProcessEnv): string {
	const prefix = env[ENV_PREFIX_VARIABLE];
	if (!prefix) {
		throw new ConfigError(
			field,
			`environment references are turned off, so $env:${name} cannot be read`,
			`Ask the n8n operator to set ${ENV_PREFIX_VARIABLE} to the prefix of the variables credentials may read, or enter the value itself.`,
		);
	}
	if (name.startsWith(OWN_SETTINGS_PREFIX)) {
		throw new ConfigError(
			field,
			`the variable ${name} may not be read: the package's own settings (${OWN_SETTINGS_PREFIX}…) are never readable`,
			`Use a variable whose name starts with "${prefix}"${prefix.startsWith(OWN_SETTINGS_PREFIX) ? `, and ask the n8n operator for a prefix outside ${OWN_SETTINGS_PREFIX}` : ''}.`,
		);
	}
	if (ALWAYS_DENIED.has(name) || !name.startsWith(prefix)) {
		throw new ConfigError(
			field,
			`the variable ${name} may not be read: only variables whose names start with "${prefix}" are allowed (${ENV_PREFIX_VARIABLE})`,
			`Use a variable whose name starts with "${prefix}".`,
		);
	}
	const value = env[name];
	if (value === undefined || value.trim() === '') {
		throw new ConfigError(
			field,
			`the environment variable ${name} is ${value === undefined ? 'not set' : 'empty'} in this n8n process`,
			`Set ${name} in the environment of every n8n process that runs this workflow (main and workers).`,
		);
	}
	return value.trim();
}

function resolveFile(name: string, field: string, env: NodeJS.ProcessEnv): string {
	const dir = env[SECRETS_DIR_VARIABLE];
	if (!dir) {
		throw new ConfigError(
			field,
			`file references are turned off, so $file:${name} cannot be read`,
			`Ask the n8n operator to set ${SECRETS_DIR_VARIABLE} to the folder of secret files credentials may read, or enter the value itself.`,
		);
	}
	let realDir: string;
	try {
		realDir = realpathSync(dir);
	} catch {
		throw new ConfigError(
			field,
			`the secrets folder set in ${SECRETS_DIR_VARIABLE} does not exist`,
			'Ask the n8n operator to create it or to correct the variable.',
		);
	}
	const outside = (): ConfigError =>
		new ConfigError(
			field,
			`the file "${name}" is outside the secrets folder (${SECRETS_DIR_VARIABLE}); links and ".." may not leave it`,
			'Name a file inside the secrets folder, e.g. $file:api-token.',
		);
	const requested = isAbsolute(name) ? name : resolve(realDir, name);
	if (!isInside(realDir, resolve(requested))) throw outside();
	let realFile: string;
	try {
		realFile = realpathSync(requested);
	} catch {
		throw new ConfigError(
			field,
			`the secret file "${name}" does not exist in the secrets folder`,
			`Create the file (e.g. mount the secret) or correct the name after $file:.`,
		);
	}
	if (!isInside(realDir, realFile)) throw outside();
	const stats = statSync(realFile);
	if (!stats.isFile()) throw new ConfigError(field, `"${name}" is not a file`, 'Name a file, not a folder.');
	if (stats.size > MAX_FILE_BYTES) {
		throw new ConfigError(field, `the secret file "${name}" is larger than 1 MiB`, 'Point to the file holding only the secret.');
	}
	const value = readFileSync(realFile, 'utf8').replace(/\s+$/, '');
	if (value.trim() === '') {
		throw new ConfigError(field, `the secret file "${name}" is empty`, 'Write the secret into the file.');
	}
	return value;
}

function isInside(dir: string, path: string): boolean {
	const rel = relative(dir, path);
	return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Resolves one secret field. Returns undefined when the field is empty, so callers decide
 * whether the field is required.
 */
export function resolveSecret(
	raw: unknown,
	field: string,
	env: NodeJS.ProcessEnv = process.env,
): ResolvedSecret | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const text = String(raw);
	const match = REFERENCE.exec(text.trim());
	if (!match) return { value: text, origin: { source: 'stored' } };
	const [, kind, rawName] = match;
	const name = rawName.trim();
	if (kind === 'env') return { value: resolveEnv(name, field, env), origin: { source: 'env', name } };
	return { value: resolveFile(name, field, env), origin: { source: 'file', name } };
}
