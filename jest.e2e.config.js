/**
 * End-to-end tests (npm run test:e2e): a real n8n 2.40.7 on Node 24 with the packed package and
 * the demo, started once for all files by the global setup; a real Chromium drives the editor.
 * Kept apart from `npm test` (jest.config.js), which they would slow down by minutes.
 */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
	globalSetup: '<rootDir>/test/e2e/support/globalSetup.ts',
	globalTeardown: '<rootDir>/test/e2e/support/globalTeardown.ts',
	testSequencer: '<rootDir>/test/e2e/support/sequencer.js',
	testTimeout: 180_000,
	maxWorkers: 1,
};
