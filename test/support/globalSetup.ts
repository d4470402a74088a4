// One folder per test run for the throw-away n8n user folders that test/support/env.ts makes for
// each test file (n8n writes its encryption key there, the token files follow): globalTeardown
// removes it, and a run never touches another run's folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-api-auth-test-run-'));
	process.env.N8N_API_AUTH_TEST_RUN_DIR = dir;
	// Also when the runner never calls the global teardown (Stryker's jest runner does not).
	process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}
