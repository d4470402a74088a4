/**
 * A token endpoint's body as sent, read as JSON or as a form. GitHub (and older Facebook-era APIs)
 * answer `application/x-www-form-urlencoded` when they do not honour `Accept: application/json`;
 * some servers label JSON as text/plain. RFC 6749 §5.1 asks for JSON, real servers differ.
 */

export type TokenAnswer = Record<string, unknown>;

/** `name=value&name=value`, nothing that HTML, JSON or prose would contain. */
const FORM = /^[\w.~%+-]+=[^&\s<>{}"]*(?:&[\w.~%+-]+=[^&\s<>{}"]*)*$/;

/** The body as an object, or undefined when it is neither a JSON object nor a form. */
export function decodeTokenAnswer(body: Buffer | string): TokenAnswer | undefined {
	const text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
	if (text.startsWith('{')) {
		try {
			const parsed = JSON.parse(text) as unknown;
			return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as TokenAnswer) : undefined;
		} catch {
			return undefined;
		}
	}
	if (!FORM.test(text)) return undefined;
	return Object.fromEntries(new URLSearchParams(text));
}

/** What an undecodable body looks like, for a message that never quotes it (it may hold a secret). */
export function describeBody(body: Buffer | string): string {
	const text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
	if (!text) return 'empty';
	if (/^<(!doctype html|html|head|body)\b/i.test(text)) return 'an HTML page';
	if (text.startsWith('<')) return 'XML or HTML';
	if (text.startsWith('{') || text.startsWith('[')) return 'not valid JSON';
	return 'plain text';
}
