import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default async function globalSetup(): Promise<void> {
	if (!existsSync(join(__dirname, '..', '..', 'dist', 'nodes', 'ApiAuthHttpRequest', 'ApiAuthHttpRequest.node.js'))) {
		throw new Error('The built package is missing: run "npm run build" first (npm test does it for you).');
	}
}
