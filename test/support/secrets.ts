/** Finds secret values, in any form they could leak in, anywhere in a value (run data, errors…). */

export function leakForms(secret: string): string[] {
	return [
		secret,
		encodeURIComponent(secret),
		Buffer.from(secret).toString('base64'),
		Buffer.from(secret).toString('base64').replace(/=+$/, ''),
		Buffer.from(secret).toString('base64url'),
	];
}

function serialise(value: unknown): string {
	const seen = new WeakSet<object>();
	const parts: string[] = [];
	const walk = (v: unknown, depth: number): void => {
		if (depth > 40 || v === null || v === undefined) return;
		if (typeof v === 'string') return void parts.push(v);
		if (typeof v !== 'object' && typeof v !== 'function') return void parts.push(String(v));
		if (typeof v === 'function') return;
		if (seen.has(v as object)) return;
		seen.add(v as object);
		if (Buffer.isBuffer(v)) return void parts.push(v.toString('utf8'), v.toString('base64'));
		if (v instanceof Error) {
			parts.push(v.message, v.stack ?? '', String((v as { description?: unknown }).description ?? ''));
			walk((v as { cause?: unknown }).cause, depth + 1);
		}
		for (const key of Object.getOwnPropertyNames(v)) {
			parts.push(key);
			try {
				walk((v as Record<string, unknown>)[key], depth + 1);
			} catch {
				/* getters that throw are not data */
			}
		}
	};
	walk(value, 0);
	try {
		parts.push(JSON.stringify(value) ?? '');
	} catch {
		/* circular: already walked */
	}
	return parts.join('\n');
}

/** Returns the secret forms found in `value` (empty when clean). */
export function findLeaks(value: unknown, secrets: string[]): string[] {
	const text = serialise(value);
	return secrets.flatMap((secret) => leakForms(secret).filter((form) => form.length >= 4 && text.includes(form)));
}
