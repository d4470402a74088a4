/** Token records at rest: AES-256-GCM with the full 16-byte tag, nothing shorter accepted. */
import { RecordCipher } from '../../lib/stores/encryption';

describe('RecordCipher', () => {
	const cipher = new RecordCipher('n8n-key-for-tests');

	it('opens what it sealed, under the same record key only', () => {
		const sealed = cipher.seal('abc.token', { accessToken: 'x' });
		expect(cipher.open('abc.token', sealed)).toEqual({ accessToken: 'x' });
		expect(() => cipher.open('abd.token', sealed)).toThrow();
	});

	it('refuses a truncated authentication tag (4 bytes would be a 1-in-4-billion forgery)', () => {
		const envelope = JSON.parse(cipher.seal('abc.token', { accessToken: 'x' })) as { tag: string };
		for (const bytes of [4, 8, 12, 15]) {
			const short = { ...envelope, tag: Buffer.from(envelope.tag, 'base64').subarray(0, bytes).toString('base64') };
			expect(() => cipher.open('abc.token', JSON.stringify(short))).toThrow();
		}
	});
});
