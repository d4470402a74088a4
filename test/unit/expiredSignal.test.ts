import { expiredReason, readExpiredSignal } from '../../lib/auth/expiredSignal';
import { CredentialReader } from '../../lib/auth/credentialReader';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import type { HttpResponse } from '../../lib/transport/types';

const response = (status: number, body: unknown): HttpResponse => ({
	status,
	statusText: '',
	headers: { 'content-type': 'application/json' },
	body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
	url: 'https://api.example.com/x',
});
const signal = (fields: Record<string, unknown>) => readExpiredSignal(new CredentialReader(fields, new SecretRegistry()));

describe('"token expired" as the API says it', () => {
	it.each<[string, Record<string, unknown>, HttpResponse, string | undefined]>([
		['401 by default', {}, response(401, {}), 'HTTP 401'],
		['a listed status', { expiredStatusCodes: '401, 419' }, response(419, {}), 'HTTP 419'],
		['an unlisted status', {}, response(403, {}), undefined],
		['errcode (number in the body, value as text in the setting)', { expiredBodyPath: 'errcode', expiredBodyValues: '40001, 42001' }, response(200, { errcode: 42001 }), 'errcode = 42001'],
		['errors[0].code (Marketo, a string)', { expiredBodyPath: 'errors[0].code', expiredBodyValues: '601,602' }, response(200, { errors: [{ code: '601' }] }), 'errors[0].code = 601'],
		['another value', { expiredBodyPath: 'errcode', expiredBodyValues: '40001' }, response(200, { errcode: 0 }), undefined],
		['the path missing', { expiredBodyPath: 'errors[0].code', expiredBodyValues: '601' }, response(200, { errors: [] }), undefined],
		['an object at the path is not a value', { expiredBodyPath: 'errors', expiredBodyValues: '601' }, response(200, { errors: { 601: true } }), undefined],
		['not JSON', { expiredBodyPath: 'errcode', expiredBodyValues: '40001' }, response(200, 'errcode=40001'), undefined],
		['the status list still applies beside the body', { expiredBodyPath: 'errcode', expiredBodyValues: '40001' }, response(401, 'denied'), 'HTTP 401'],
	])('%s', (_name, fields, answer, expected) => {
		expect(expiredReason(signal(fields), answer)).toBe(expected);
	});

	it('a body path without values is refused, naming the field', () => {
		expect(() => signal({ expiredBodyPath: 'errcode', expiredBodyValues: ' ' })).toThrow(/Token Expired Body Values/);
	});
});
