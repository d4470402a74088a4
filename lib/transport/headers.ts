/** Case-insensitive helpers for the plain header records used in OutgoingRequest. */

export function findHeader(headers: Record<string, string>, name: string): string | undefined {
	const lower = name.toLowerCase();
	for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
	return undefined;
}

export function removeHeader(headers: Record<string, string>, name: string): void {
	const lower = name.toLowerCase();
	for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key];
}

/** Sets a header, replacing any spelling of the same name. */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
	removeHeader(headers, name);
	headers[name] = value;
}

export function responseHeader(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
