import { rmSync } from 'node:fs';

/** Removes the run's user folders (globalSetup.ts): they hold n8n's encryption key and sealed tokens. */
export default async function globalTeardown(): Promise<void> {
	const dir = process.env.N8N_API_AUTH_TEST_RUN_DIR;
	if (dir) rmSync(dir, { recursive: true, force: true });
}
