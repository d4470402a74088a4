/**
 * The secret values of one credential during one run: those read from its fields, those derived
 * from them (a Basic header) and those obtained while running (OAuth2 tokens). Hands out a
 * Redactor that knows all of them.
 */
import { Redactor } from './redact';

export class SecretRegistry {
	private readonly values = new Set<string>();
	private current: Redactor | undefined;

	constructor(initial: Iterable<string> = []) {
		this.add(...initial);
	}

	add(...values: Array<string | undefined>): void {
		for (const value of values) {
			if (value && !this.values.has(value)) {
				this.values.add(value);
				this.current = undefined;
			}
		}
	}

	get redactor(): Redactor {
		this.current ??= new Redactor(this.values);
		return this.current;
	}
}
