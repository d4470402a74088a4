/**
 * An authentication session: one credential, read and checked once per run, with its
 * connection settings, its authenticator and the registry of its secret values.
 */
import { apiKeyAuth } from './auth/apiKey';
import { basicAuth } from './auth/basic';
import { bearerAuth } from './auth/bearer';
import { oauth2Auth, oauth2ConnectAuth } from './auth/oauth2';
import { tokenRequestAuth } from './auth/tokenRequest';
import { readConnection, type ConnectionSettings } from './auth/connection';
import { CredentialReader, type RawCredential } from './auth/credentialReader';
import type { Authenticator, AuthMethod, AuthTrace } from './auth/types';
import { ConfigError } from './errors';
import { SecretRegistry } from './security/secretRegistry';
import { describeOrigin } from './security/secretReferences';
import type { CoreServices } from './services';
import { type ProxyInput, resolveProxy } from './transport/proxy';

/** Every credential type of the package, by n8n type name. Adding a type adds one entry. */
export const AUTH_METHODS: Readonly<Record<string, AuthMethod>> = Object.fromEntries(
	[bearerAuth, apiKeyAuth, basicAuth, oauth2Auth, oauth2ConnectAuth, tokenRequestAuth].map((m) => [m.credentialType, m]),
);

export interface AuthSession {
	method: AuthMethod;
	connection: ConnectionSettings;
	authenticator: Authenticator;
	secrets: SecretRegistry;
	/** A fresh trace for one item, with where each secret came from. */
	newTrace(): AuthTrace;
}

export function openSession(
	credentialType: string,
	raw: RawCredential,
	services: CoreServices,
	/** Created by the caller, so values read before a failure can still be scrubbed from its error. */
	secrets: SecretRegistry = new SecretRegistry(),
	env: NodeJS.ProcessEnv = process.env,
	/** The node's proxy options; the environment's proxy variables apply where they are empty. */
	proxy: ProxyInput = {},
): AuthSession {
	const method = AUTH_METHODS[credentialType];
	if (!method) {
		throw new ConfigError('Authentication', `unknown credential type "${credentialType}"`, 'Choose one of the credential types of this node.');
	}
	const reader = new CredentialReader(raw, secrets, env);
	const settings = readConnection(reader);
	const connection = { ...settings, proxy: resolveProxy(proxy, env, secrets, settings.policy) };
	const authenticator = method.create(reader, { connection, secrets, services, raw });
	const secretSources = Object.fromEntries(Object.entries(reader.origins).map(([field, o]) => [field, describeOrigin(o)]));
	return {
		method,
		connection,
		authenticator,
		secrets,
		newTrace: () => ({ method: method.label, secretSources }),
	};
}
