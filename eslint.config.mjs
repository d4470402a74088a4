// n8n's community-node lint (@n8n/eslint-plugin-community-nodes) on what the package ships: the
// credentials, the node, the core they import, and package.json. Run with `npm run lint`.
// The base is the plugin's configuration for packages outside n8n Cloud: this package has
// runtime dependencies, which Cloud verification does not allow. Every rule turned off below is
// a deviation the README lists with its reason ("Lint deviations").
// The tests are linted too: eslint's recommended rules (less those TypeScript checks better) and
// no focused or skipped test, which would let a run pass without running everything.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';

const base = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;
const rule = (name) => `@n8n/community-nodes/${name}`;

/** test.only, describe.skip, it.concurrent.only, xit, fdescribe …: a focused or skipped test. */
const FOCUS_OR_SKIP = ['only', 'skip', 'todo'];
const TEST_FUNCTIONS = ['describe', 'it', 'test'];
const focusedOrSkipped = TEST_FUNCTIONS.flatMap((object) =>
	FOCUS_OR_SKIP.map((property) => ({ object, property, message: `No .${property} in committed tests: every test runs.` })),
);
const focusedOrSkippedSyntax = [
	{ selector: `CallExpression[callee.type='Identifier'][callee.name=/^(x|f)(it|test|describe)$/]`, message: 'No xit/fit/xdescribe/fdescribe in committed tests: every test runs.' },
	{ selector: `MemberExpression[object.type='MemberExpression'][property.name=/^(${FOCUS_OR_SKIP.join('|')})$/][object.object.name=/^(${TEST_FUNCTIONS.join('|')})$/]`, message: 'No focused or skipped tests (e.g. it.concurrent.only, describe.each.skip).' },
	{ selector: `CallExpression[callee.property.name=/^(${FOCUS_OR_SKIP.join('|')})$/][callee.object.type='CallExpression'][callee.object.callee.object.name=/^(${TEST_FUNCTIONS.join('|')})$/]`, message: 'No focused or skipped tests (e.g. it.each(…).only).' },
];

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', 'bench/**', 'scripts/**', 'coverage/**', '*.js', '*.mjs'] },
	{
		files: ['test/**/*.ts'],
		languageOptions: { parser: tsParser },
		rules: {
			...js.configs.recommended.rules,
			// TypeScript checks these (npm run typecheck), with types eslint's core rules cannot see.
			'no-undef': 'off',
			'no-unused-vars': 'off',
			'no-redeclare': 'off',
			'no-restricted-properties': ['error', ...focusedOrSkipped],
			'no-restricted-syntax': ['error', ...focusedOrSkippedSyntax],
		},
	},
	// Only the plugin's rules run here; directives for other linters' rules are not ours to judge.
	{ linterOptions: { reportUnusedDisableDirectives: 'off' } },
	{
		...base,
		files: ['index.ts', 'credentials/**/*.ts', 'nodes/**/*.ts', 'lib/**/*.ts'],
		languageOptions: { parser: tsParser },
	},
	{
		...base,
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		rules: {
			...base.rules,
			// axios and simple-oauth2 do work n8n's helpers cannot (keep-alive agents per TLS
			// configuration, OAuth2 grants); this is what rules out n8n Cloud verification.
			[rule('no-runtime-dependencies')]: 'off',
			// A development-only pin (see README, "Toolchain"); npm ignores it when installing the package.
			[rule('no-overrides-field')]: 'off',
			// The author (name and e-mail) is the publisher's to fill in before the first release.
			[rule('valid-author')]: 'off',
		},
	},
	{
		// The core throws its own typed errors; nodes/ApiAuthHttpRequest/errors.ts turns every one
		// into a redacted NodeApiError or NodeOperationError at the edge, in one place.
		files: ['lib/**/*.ts', 'nodes/ApiAuthHttpRequest/parameters.ts'],
		rules: { [rule('require-node-api-error')]: 'off' },
	},
	{
		// Names of environment variables, not secrets.
		files: ['lib/security/secretReferences.ts'],
		rules: { [rule('no-hardcoded-secrets')]: 'off' },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			// The node declares every credential with testedBy, from one table the rule cannot read
			// (it looks for an array literal written inside the node class).
			[rule('credential-test-required')]: 'off',
			// Wants class names ending in "OAuth2Api", i.e. renamed files; the credential names and
			// display names do contain OAuth2.
			[rule('cred-class-oauth2-naming')]: 'off',
		},
	},
];
