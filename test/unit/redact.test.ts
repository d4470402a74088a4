/**
 * The redactor and the output scrub on their own: every form a secret takes on the way out, the
 * lengths below which a value is left alone, deep copies of JSON-like values, and when output
 * items are copied at all.
 */
import { REDACTED, Redactor } from '../../lib/security/redact';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { scrubFile, scrubItems } from '../../lib/response/scrub';

const SECRET = 'pa ss/wörd+key=1"x';

describe('forms of a secret', () => {
	const redactor = new Redactor([SECRET]);
	const b64 = Buffer.from(SECRET, 'utf8').toString('base64');
	it.each([
		['as is', SECRET],
		['encodeURIComponent', encodeURIComponent(SECRET)],
		['form encoding (+ for spaces)', encodeURIComponent(SECRET).replace(/%20/g, '+')],
		['URLSearchParams', new URLSearchParams({ v: SECRET }).toString().slice(2)],
		['base64', b64],
		['base64 without padding', b64.replace(/=+$/, '')],
		['base64url', Buffer.from(SECRET, 'utf8').toString('base64url')],
		['escaped inside JSON', JSON.stringify(SECRET).slice(1, -1)],
	])('%s', (_name, form) => {
		expect(redactor.contains(`before ${form} after`)).toBe(true);
		expect(redactor.text(`before ${form} after`)).toBe(`before ${REDACTED} after`);
	});

	it('replaces every occurrence, and the same text twice in a row (no lastIndex left over)', () => {
		expect(redactor.text(`${SECRET}-${SECRET}`)).toBe(`${REDACTED}-${REDACTED}`);
		expect(redactor.contains(`x ${SECRET}`)).toBe(true);
		expect(redactor.contains(`x ${SECRET}`)).toBe(true);
		expect(redactor.text(SECRET)).toBe(REDACTED);
		expect(redactor.text(SECRET)).toBe(REDACTED);
	});

	it('treats regular-expression characters in a secret literally', () => {
		const special = new Redactor(['a.b*c']);
		expect(special.text('aXbbbc a.b*c')).toBe(`aXbbbc ${REDACTED}`);
		expect(special.contains('aXbbbc')).toBe(false);
		for (const secret of ['(x)+y', '[ab]^$', '{1}|?\\z']) expect(new Redactor([secret]).text(`-${secret}-`)).toBe(`-${REDACTED}-`);
	});

	it('replaces a long value whole before any of its shorter forms', () => {
		// "abcd" is its own base64url prefix-free form; the longer secret containing it must go whole.
		const both = new Redactor(['abcd', 'abcdefgh-long']);
		expect(both.text('x abcdefgh-long y')).toBe(`x ${REDACTED} y`);
	});
});

describe('forms that only one encoding produces', () => {
	it('writes [redacted] in place of a secret', () => {
		expect(new Redactor(['some-secret']).text('a some-secret b')).toBe('a [redacted] b');
	});

	it('form encoding with + and encodeURIComponent\'s unescaped "!" (only the first rule makes it)', () => {
		const redactor = new Redactor(['pa ss!word']);
		expect(redactor.text('q=pa+ss!word')).toBe(`q=${REDACTED}`);
	});

	it('URLSearchParams encoding, which escapes "!" (only the second rule makes it)', () => {
		const redactor = new Redactor(['pa ss!word']);
		expect(redactor.text('q=pa+ss%21word&x')).toBe(`q=${REDACTED}&x`);
	});

	it('base64 with both padding characters removed, where base64url differs', () => {
		// "key0?>~" is a2V5MD8+fg== in base64: unpadded a2V5MD8+fg, base64url a2V5MD8-fg.
		const redactor = new Redactor(['key0?>~']);
		expect(redactor.text('x a2V5MD8+fg y')).toBe(`x ${REDACTED} y`);
	});
});

describe('lengths', () => {
	it('leaves values shorter than 4 characters (after trimming) alone', () => {
		const redactor = new Redactor(['abc', '  ab  ', undefined, '']);
		expect(redactor.isEmpty).toBe(true);
		expect(redactor.text('abc ab')).toBe('abc ab');
		expect(redactor.contains('abc')).toBe(false);
		const value = { a: 'abc' };
		expect(redactor.value(value)).toBe(value);
	});

	it('scrubs a value of exactly 4 characters', () => {
		const redactor = new Redactor(['abcd']);
		expect(redactor.isEmpty).toBe(false);
		expect(redactor.text('xabcdx')).toBe(`x${REDACTED}x`);
	});

	it('matches a long multi-line secret (a PEM key) line by line, not its armour lines', () => {
		const line1 = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
		const line2 = 'BKcwggSjAgEAAoIBAQC7';
		// Indented, exactly 16 characters, and a header line that starts like armour.
		const line3 = 'QIBADANBgkqhkiG9';
		const pem = `-----BEGIN PRIVATE KEY-----\n${line1}\r\n${line2}\n  short1234  \n   ${line3}  \n-----BEGIN RSA-ish header\nheader-ending-like-armour-----\n-----END PRIVATE KEY-----`;
		const redactor = new Redactor([pem]);
		expect(redactor.text(`quoted: "${line1}"`)).toBe(`quoted: "${REDACTED}"`);
		expect(redactor.text(`quoted: ${line2}.`)).toBe(`quoted: ${REDACTED}.`);
		// Lines under 16 characters and the BEGIN/END lines are common text: left alone.
		expect(redactor.text('short1234 -----BEGIN PRIVATE KEY-----')).toBe('short1234 -----BEGIN PRIVATE KEY-----');
		expect(redactor.text(`(${line3})`)).toBe(`(${REDACTED})`);
		expect(redactor.text('-----BEGIN RSA-ish header')).toBe('-----BEGIN RSA-ish header');
		expect(redactor.text('x header-ending-like-armour-----')).toBe(`x ${REDACTED}`);
		expect(redactor.text(pem)).toBe(REDACTED);
	});

	it('does not split a single-line secret into fragments, nor trim it', () => {
		const redactor = new Redactor(['0123456789abcdef0123']);
		expect(redactor.text('0123456789abcdef')).toBe('0123456789abcdef');
		expect(new Redactor(['  0123456789abcdefXYZ  ']).text('0123456789abcdefXYZ')).toBe('0123456789abcdefXYZ');
	});
});

describe('value()', () => {
	const redactor = new Redactor(['s3cr3t-value']);

	it('deep-copies objects and arrays, scrubbing strings and keys, keeping other types', () => {
		const buffer = Buffer.from('s3cr3t-value');
		const bytes = new Uint8Array([1, 2]);
		const input = { list: ['a s3cr3t-value', 1, true, null, undefined], 's3cr3t-value': { n: 2 }, buffer, bytes };
		const output = redactor.value(input);
		expect(output).toEqual({ list: [`a ${REDACTED}`, 1, true, null, undefined], [REDACTED]: { n: 2 }, buffer, bytes });
		expect(output).not.toBe(input);
		expect(output.list).not.toBe(input.list);
		expect(output.buffer).toBe(buffer);
		expect(output.bytes).toBe(bytes);
		expect(input.list[0]).toBe('a s3cr3t-value');
	});

	it('keeps shared and circular references as one copy', () => {
		const shared = { token: 's3cr3t-value' };
		const circular: Record<string, unknown> = { shared, again: shared };
		circular.self = circular;
		const list: unknown[] = ['s3cr3t-value'];
		list.push(list);
		const output = redactor.value({ circular, list }) as { circular: Record<string, unknown>; list: unknown[] };
		expect(output.circular.shared).toBe(output.circular.again);
		expect(output.circular.self).toBe(output.circular);
		expect(output.circular.shared).toEqual({ token: REDACTED });
		expect(output.list[1]).toBe(output.list);
		expect(output.list[0]).toBe(REDACTED);
	});

	it('scrubs a plain string and returns other scalars as they are', () => {
		expect(redactor.value('x s3cr3t-value')).toBe(`x ${REDACTED}`);
		expect(redactor.value(5)).toBe(5);
		expect(redactor.value(null)).toBeNull();
	});

	it('with() knows the old and the new values', () => {
		const more = redactor.with(['fetched-token', undefined]);
		expect(more.text('s3cr3t-value fetched-token')).toBe(`${REDACTED} ${REDACTED}`);
		expect(redactor.text('fetched-token')).toBe('fetched-token');
	});
});

describe('SecretRegistry', () => {
	it('hands out a redactor that knows every value added, also after it was first built', () => {
		const registry = new SecretRegistry(['first-secret']);
		const before = registry.redactor;
		expect(registry.redactor).toBe(before);
		registry.add('second-secret', undefined, '');
		expect(registry.redactor).not.toBe(before);
		expect(registry.redactor.text('first-secret second-secret')).toBe(`${REDACTED} ${REDACTED}`);
		const same = registry.redactor;
		registry.add('first-secret');
		expect(registry.redactor).toBe(same);
	});
});

describe('scrubItems and scrubFile: the output in the form it is returned', () => {
	const redactor = new Redactor(['echoed-secret']);

	it('returns the same items when they hold no secret', () => {
		const items = [{ json: { ok: 'echoed-secre' } }];
		expect(scrubItems(items, redactor)).toBe(items);
	});

	it('copies and scrubs items that hold a secret, whatever escapes the raw body used', () => {
		const items = [{ json: { header: 'Bearer echoed-secret' } }];
		const out = scrubItems(items, redactor);
		expect(out).toEqual([{ json: { header: `Bearer ${REDACTED}` } }]);
		expect(items[0].json.header).toBe('Bearer echoed-secret');
		expect(scrubItems([{ headers: { 'x-echo': 'echoed-secret' } }], redactor)).toEqual([{ headers: { 'x-echo': REDACTED } }]);
	});

	it('never copies with an empty redactor', () => {
		const items = [{ json: { value: 'echoed-secret' } }];
		expect(scrubItems(items, new Redactor([]))).toBe(items);
	});

	it('file bytes: secret forms replaced, every other byte kept; a clean file is the same buffer', () => {
		const data = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('echoed-secret'), Buffer.from([0x00, 0xe9])]);
		expect(scrubFile({ data }, redactor)?.data.equals(Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from(REDACTED), Buffer.from([0x00, 0xe9])]))).toBe(true);
		const clean = Buffer.from([1, 2, 3]);
		expect(scrubFile({ data: clean }, redactor)?.data).toBe(clean);
		expect(new Redactor(['s\u00e9cret-value']).bytes(Buffer.from('a s\u00e9cret-value b'))).toEqual(Buffer.from(`a ${REDACTED} b`));
	});

	it('file bytes: every occurrence of a secret is replaced, and an empty redactor hands the bytes back as they are', () => {
		// A redactor of its own: the byte pattern is built on first use, and this test must build it.
		expect(new Redactor(['echoed-secret']).bytes(Buffer.from('echoed-secret|echoed-secret'))).toEqual(Buffer.from(`${REDACTED}|${REDACTED}`));
		const data = Buffer.from('any bytes');
		expect(new Redactor([]).bytes(data)).toBe(data);
	});
});
