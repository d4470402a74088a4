/**
 * PEM input is user input: parsing it must stay linear, and a value that failed must not be
 * parsed again at every Test. Benchmark-style bounds with wide headroom (a busy machine parses
 * these in a few milliseconds).
 */
import { ConfigError } from '../../lib/errors';
import { parseTls } from '../../lib/transport/tls';
import { testPki } from '../servers/certs';

const MIB = 1024 * 1024;

function timed(run: () => void): number {
	const start = process.hrtime.bigint();
	run();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('PEM parsing', () => {
	// Many BEGIN lines without an END: the old lazy [\s\S]+? with a back-reference rescanned the rest for each.
	const hostile = [
		'-----BEGIN CERTIFICATE-----\n'.repeat(MIB / 28),
		// Distinct labels, so that remembering "no END for this label" does not help either.
		Array.from({ length: MIB / 20 }, (_, i) => `-----BEGIN L${i.toString(36).toUpperCase()}-----\n`).join(''),
	];

	const refusal = (value: string): unknown => {
		try {
			parseTls({ ca: value, ignoreErrors: false });
		} catch (error) {
			return error;
		}
		return undefined;
	};

	it.each(hostile.map((value, i) => [i, value] as const))('a 1 MiB hostile CA value (%i) is refused in < 100 ms, and its failure is cached', (_i, value) => {
		expect(value.length).toBeGreaterThan(0.9 * MIB);
		refusal(value.slice(0, 64 * 1024)); // warm-up: the first call compiles the code paths
		// Best of three distinct values (a suffix defeats the cache): a busy machine slows single runs; the old parser took ~40 s.
		const times = ['a', 'b', 'c'].map((suffix) => timed(() => expect(refusal(value + suffix)).toBeInstanceOf(ConfigError)));
		expect(Math.min(...times)).toBeLessThan(100);
		const first = refusal(value);
		expect((first as Error).message).toBe('CA Certificate: this is not a PEM certificate');
		expect(refusal(value)).toBe(first);
	});

	it('still reads real certificates: a bundle with text around and between the blocks', async () => {
		const pki = await testPki();
		const bundle = `subject=test CA\n${pki.ca.cert}\n# comment\n${pki.ca.cert}`;
		expect(parseTls({ ca: bundle, ignoreErrors: false }).ca).toHaveLength(2);
		const wrongEnd = pki.ca.cert.replace('-----END CERTIFICATE-----', '-----END PRIVATE KEY-----');
		expect(() => parseTls({ ca: wrongEnd, ignoreErrors: false })).toThrow('CA Certificate: this is not a PEM certificate');
	});
});
