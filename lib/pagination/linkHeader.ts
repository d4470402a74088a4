/** The `rel="next"` target of an RFC 8288 Link header: `<https://api/x?page=2>; rel="next", <…>; rel="last"`. */

const LINK = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
const REL = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i;

export function nextLink(header: string | string[] | undefined): string | undefined {
	const text = Array.isArray(header) ? header.join(', ') : header;
	if (!text) return undefined;
	for (const match of text.matchAll(LINK)) {
		const rel = REL.exec(match[2]);
		const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
		if (relations.includes('next')) return match[1].trim();
	}
	return undefined;
}
