#!/usr/bin/env node
// Adds up jest's JSON results (one file per test run of .ci/run) and prints one closing line,
// "N passed, N failed", so that a run's result can be read without parsing jest's own output.
// Exits non-zero when a result file is missing, unreadable, or counts no test at all.
const { readFileSync } = require('node:fs');

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const file of files) {
	const result = JSON.parse(readFileSync(file, 'utf8'));
	passed += result.numPassedTests;
	failed += result.numFailedTests;
	console.log(`${file}: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${result.numTotalTestSuites} suites`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(files.length === 0 || passed === 0 || failed > 0 ? 1 : 0);
