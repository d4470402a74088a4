/** The ConfigError a call refuses with; anything else (or nothing) fails the test. */
import { ConfigError } from '../../lib/errors';

export function refusal(run: () => unknown): ConfigError {
	try {
		run();
	} catch (error) {
		if (error instanceof ConfigError) return error;
		throw error;
	}
	throw new Error('expected a ConfigError, nothing was thrown');
}
