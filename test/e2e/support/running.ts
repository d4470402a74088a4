/** The services the global setup started, kept in its process for the global teardown. */
import { rmSync } from 'node:fs';
import type { DemoApi } from '../../../scripts/demo/api';
import type { RunningN8n } from '../../../scripts/n8n/instance';

interface Running {
	api?: DemoApi;
	n8n?: RunningN8n;
	userFolder?: string;
}

const KEY = Symbol.for('n8n-nodes-api-auth.e2e.running');
type Holder = { [KEY]?: Running };

export function setRunning(running: Running): void {
	(globalThis as Holder)[KEY] = running;
}

/** Stops n8n (its whole process group) and the demo API; removes the throw-away user folder. */
export async function stopRunning(): Promise<void> {
	const { api, n8n, userFolder } = (globalThis as Holder)[KEY] ?? {};
	delete (globalThis as Holder)[KEY];
	await n8n?.stop();
	await api?.close();
	if (userFolder && !process.env.N8N_API_AUTH_E2E_KEEP) rmSync(userFolder, { recursive: true, force: true });
}
