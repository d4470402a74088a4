/**
 * Some libraries print secrets through the `debug` module when DEBUG is set (simple-oauth2 its
 * request options with the client secret, ioredis its connection options with the Redis
 * password). This switches their namespaces off, keeping whatever else DEBUG enables; the debug
 * module resolved is the library's own copy, as it may differ from the top-level one.
 */
import { dirname } from 'node:path';

export function silenceDebug(library: string, namespaces: string): void {
	try {
		const debugPath = require.resolve('debug', { paths: [dirname(require.resolve(library))] });
		const createDebug = require(debugPath) as { disable(): string; enable(namespaces: string): void };
		const current = createDebug.disable();
		createDebug.enable([current, `-${namespaces}`].filter(Boolean).join(','));
	} catch {
		/* no debug module: nothing to silence */
	}
}
