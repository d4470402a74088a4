// Mutation testing (StrykerJS, `npm run test:mutation`): the modules where a silent regression
// costs users most (scripts/mutation.modules.json), each against the fast tests that cover it.
// scripts/mutation.ts runs one module at a time (MUTATION_MODULE picks it); reports go to
// test-results/mutation/ (ignored). Surviving mutants judged equivalent: docs/mutation.md.
import { readFileSync } from 'node:fs';

/** Each module: the files mutated and the tests that run against them. */
const MODULES = JSON.parse(readFileSync(new URL('./scripts/mutation.modules.json', import.meta.url), 'utf8'));

const name = process.env.MUTATION_MODULE ?? 'headerSafety';
const module = MODULES[name];
if (!module) throw new Error(`Unknown MUTATION_MODULE "${name}": one of ${Object.keys(MODULES).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	mutate: module.mutate,
	testRunner: 'jest',
	checkers: ['typescript'],
	tsconfigFile: 'tsconfig.json',
	typescriptChecker: { prioritizePerformanceOverAccuracy: true },
	coverageAnalysis: 'perTest',
	jest: {
		configFile: 'jest.config.js',
		enableFindRelatedTests: false,
		config: {
			testMatch: module.tests.map((pattern) => `<rootDir>/${pattern}`),
			// Stryker type-checks each mutant (checker above); ts-jest only transpiles.
			transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
		},
	},
	// The machine running this is usually shared: one or two test processes.
	concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
	timeoutMS: 30_000,
	ignorePatterns: ['dist', 'test-results', 'coverage', '.cache', 'bench/results'],
	// One folder per module: Stryker removes its whole temporary folder at the end.
	tempDirName: `test-results/stryker-tmp/${name}`,
	incremental: true,
	incrementalFile: `test-results/mutation/${name}.incremental.json`,
	reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
	htmlReporter: { fileName: `test-results/mutation/${name}.html` },
	jsonReporter: { fileName: `test-results/mutation/${name}.json` },
	thresholds: { high: 90, low: 85, break: null },
	cleanTempDir: 'always',
};
