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

/**
 * The paths of an answer's leaves (`data.accessToken`, `items[0].id`), for messages that say
 * what an answer holds without showing a value. At most `limit` paths, shallow ones first.
 */
export function leafPaths(value: unknown, limit = 12): string[] {
	const found: string[] = [];
	let level: Array<[string, unknown]> = [['', value]];
	while (level.length && found.length < limit) {
		const next: Array<[string, unknown]> = [];
		for (const [path, node] of level) {
			if (node === null || typeof node !== 'object') {
				if (path) found.push(path);
				continue;
			}
			const entries = Array.isArray(node) ? node.slice(0, 1).map((v, i): [string, unknown] => [`${path}[${i}]`, v]) : Object.entries(node).map(([k, v]): [string, unknown] => [path ? `${path}.${k}` : k, v]);
			if (!entries.length && path) found.push(path);
			next.push(...entries);
		}
		level = next;
	}
	return found.slice(0, limit);
}

/** What is wrong with a path as written (`data..token`, `items[x]`), or undefined when it is well formed. */
export function pathProblem(path: string): string | undefined {
	const bracketsRemoved = path.replace(/\[(\d+)\]/g, '.$1');
	if (/[[\]]/.test(bracketsRemoved)) return 'has a bracket that is not an index such as [0]';
	if (bracketsRemoved.replace(/^\./, '').split('.').some((segment) => segment.trim() === '')) return 'has an empty step (two dots in a row, or a dot at the start or end)';
	return undefined;
}
