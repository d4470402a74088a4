/** API key in a header or a query parameter, under a name the user chooses. */
import { ConfigError } from '../errors';
import { assertHeaderName, assertHeaderValue, assertNoLineBreaks } from '../security/headerSafety';
import { removeHeader, setHeader } from '../transport/headers';
import type { AuthMethod } from './types';

export const API_KEY_FIELDS = { key: 'API Key', name: 'Parameter Name', placement: 'Send In' } as const;

export const apiKeyAuth: AuthMethod = {
	credentialType: 'apiAuthApiKey',
	label: 'apiKey',
	create(reader, { secrets }) {
		const key = (reader.secret('apiKey', API_KEY_FIELDS.key, { required: true }) as string).trim();
		const placement = reader.option('placement', API_KEY_FIELDS.placement, ['header', 'query'] as const, 'header');
		const name = reader.string('parameterName', API_KEY_FIELDS.name, {
			required: true,
			fix: placement === 'header' ? 'Enter the header name the API expects, e.g. X-API-Key.' : 'Enter the query parameter name the API expects, e.g. api_key.',
		}) as string;
		if (placement === 'header') {
			assertHeaderName(name, API_KEY_FIELDS.name);
			assertHeaderValue(key, API_KEY_FIELDS.key);
		} else {
			assertNoLineBreaks(name, API_KEY_FIELDS.name, 'parameter name');
			assertNoLineBreaks(key, API_KEY_FIELDS.key, 'key');
		}
		if (/\s/.test(key)) {
			throw new ConfigError(API_KEY_FIELDS.key, 'the key contains spaces or line breaks', 'Paste the key as one piece.');
		}
		secrets.add(key);
		return {
			apply(request) {
				if (placement === 'header') setHeader(request.headers, name, key);
				else request.url.searchParams.set(name, key);
			},
			strip(request) {
				if (placement === 'header') removeHeader(request.headers, name);
				else request.url.searchParams.delete(name);
			},
		};
	},
};
