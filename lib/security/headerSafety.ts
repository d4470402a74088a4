/** Refuses values that would let a credential or parameter inject extra header lines. */
import { ConfigError } from '../errors';

const LINE_BREAK = /[\r\n]/;
/** RFC 9110 token characters: what a header or parameter name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function assertNoLineBreaks(value: string, field: string, what = 'value'): void {
	if (LINE_BREAK.test(value)) {
		throw new ConfigError(
			field,
			`the ${what} contains a line break`,
			'Remove line breaks: they would let the value inject extra HTTP headers.',
		);
	}
}

export function assertHeaderName(name: string, field: string): void {
	assertNoLineBreaks(name, field, 'header name');
	if (!TOKEN.test(name)) {
		throw new ConfigError(
			field,
			`"${name}" is not a valid header name`,
			'Use letters, digits and - only, e.g. "X-API-Key".',
		);
	}
}

/** Header values may hold spaces but no control characters (RFC 9110 field-value). */
export function assertHeaderValue(value: string, field: string): void {
	assertNoLineBreaks(value, field);
	// eslint-disable-next-line no-control-regex
	if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
		throw new ConfigError(field, 'the value contains a control character', 'Remove control characters from the value.');
	}
}
