import { decodeTokenAnswer, describeBody } from '../../lib/oauth2/tokenAnswer';

describe('a token answer as sent', () => {
	it.each<[string, string, Record<string, unknown> | undefined]>([
		['JSON', '{"access_token":"a","expires_in":60}', { access_token: 'a', expires_in: 60 }],
		['JSON labelled text/plain, with spaces around', '  {"access_token":"a"}\n', { access_token: 'a' }],
		['a form (GitHub without Accept)', 'access_token=gho_16C7e42F&scope=repo%2Cgist&token_type=bearer', { access_token: 'gho_16C7e42F', scope: 'repo,gist', token_type: 'bearer' }],
		['a form error', 'error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.', { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }],
		['an HTML page', '<html><body>Sign in</body></html>', undefined],
		['prose', 'Service temporarily unavailable', undefined],
		['a JSON array', '[{"access_token":"a"}]', undefined],
		['broken JSON', '{"access_token":', undefined],
		['empty', '', undefined],
	])('%s', (_name, body, expected) => {
		expect(decodeTokenAnswer(Buffer.from(body))).toEqual(expected);
	});

	it('describes what it cannot read without quoting it', () => {
		expect(describeBody('<!DOCTYPE html><html>secret-ish</html>')).toBe('an HTML page');
		expect(describeBody('<?xml version="1.0"?><token/>')).toBe('XML or HTML');
		expect(describeBody('{"a":')).toBe('not valid JSON');
		expect(describeBody('token: abc')).toBe('plain text');
		expect(describeBody('  ')).toBe('empty');
	});
});
