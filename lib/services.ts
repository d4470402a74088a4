/** The I/O edges the core needs, handed in by the node (or a test). */
import type { Clock } from './clock';
import type { SecretRegistry } from './security/secretRegistry';

export interface Logger {
	debug(message: string, meta?: Record<string, unknown>): void;
	info(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
	error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: Logger = {
	debug: () => undefined,
	info: () => undefined,
	warn: () => undefined,
	error: () => undefined,
};

export interface CoreServices {
	clock: Clock;
	logger: Logger;
}

/** A logger that scrubs every secret of the registry (as it is at the time of each message). */
export function redactingLogger(logger: Logger, secrets: SecretRegistry): Logger {
	const wrap = (level: keyof Logger) => (message: string, meta?: Record<string, unknown>) =>
		logger[level](secrets.redactor.text(message), meta && secrets.redactor.value(meta));
	return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
