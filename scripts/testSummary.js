#!/usr/bin/env node
// Adds up jest's JSON results (one file per test run of .ci/run) and prints one closing line,
// "N passed, N failed, N suites failed to run, N skipped", so that a run's result can be read without
// parsing jest's own output. Exits non-zero when a result file is missing or unreadable, when it
// counts no test at all, or on any failed test, any suite that failed to load or run (a syntax
// error, a throw at load time, an unhandled error outside a test: jest counts no failed test
// then), and any skipped or to-do test (a stray .skip must not pass unnoticed).
const { readFileSync } = require('node:fs');

const files = process.argv.slice(2);
const total = { passed: 0, failed: 0, broken: 0, skipped: 0 };
const problems = [];
for (const file of files) {
	const result = JSON.parse(readFileSync(file, 'utf8'));
	const broken = result.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.every((test) => test.status !== 'failed'));
	const skipped = result.numPendingTests + result.numTodoTests;
	total.passed += result.numPassedTests;
	total.failed += result.numFailedTests;
	total.broken += Math.max(broken.length, result.numRuntimeErrorTestSuites);
	total.skipped += skipped;
	for (const suite of broken) problems.push(`${suite.name}: ${(suite.message || suite.failureMessage || 'failed to run').split('\n').map((line) => line.trim()).find((line) => line && !line.startsWith('●')) ?? 'failed to run'}`);
	for (const suite of result.testResults) {
		for (const test of suite.assertionResults) if (test.status === 'pending' || test.status === 'todo' || test.status === 'skipped') problems.push(`${suite.name}: skipped "${test.fullName}"`);
	}
	if (result.wasInterrupted) problems.push(`${file}: the run was interrupted`);
	console.log(`${file}: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${broken.length} suites failed to run, ${skipped} skipped, ${result.numTotalTestSuites} suites`);
}
for (const problem of problems) console.log(problem);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.broken} suites failed to run, ${total.skipped} skipped`);
const bad = files.length === 0 || total.passed === 0 || total.failed > 0 || total.broken > 0 || total.skipped > 0 || problems.length > 0;
process.exit(bad ? 1 : 0);
