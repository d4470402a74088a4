// Runs before each test file, before anything loads n8n-core: n8n must write its settings (with a
// random encryption key) into a throw-away user folder, never into the home folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER?.includes('n8n-api-auth-test-')) {
	// Inside the run's folder, which the global teardown removes (outside jest's runner, e.g. under Stryker, in the system's).
	process.env.N8N_USER_FOLDER = mkdtempSync(join(process.env.N8N_API_AUTH_TEST_RUN_DIR ?? tmpdir(), 'n8n-api-auth-test-'));
}
process.env.N8N_LOG_LEVEL ??= 'silent';
// The host's proxy settings must not steer the tests' requests; proxy tests set their own.
for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) delete process.env[name];
