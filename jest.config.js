/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	// Stryker's sandboxes (npm run test:mutation) are copies of the package: not modules of this one.
	modulePathIgnorePatterns: ['<rootDir>/test-results/'],
	setupFiles: ['<rootDir>/test/support/env.ts'],
	globalSetup: '<rootDir>/test/support/globalSetup.ts',
	globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
	testTimeout: 60_000,
	maxWorkers: 2,
};
