/** Dot paths into decoded JSON: `links.next`, `data.items`, `pages[0].url` (same as `pages.0.url`). */

function pathSegments(path: string): string[] {
	return path
		.replace(/\[(\d+)\]/g, '.$1')
		.split('.')
		.map((segment) => segment.trim())
		.filter(Boolean);
}

/** The value at `path`, or undefined when any step is missing. An empty path is the value itself. */
export function valueAtPath(value: unknown, path: string): unknown {
	let current = value;
	for (const segment of pathSegments(path)) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}
