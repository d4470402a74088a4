import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-api-auth';

/** The package's root folder, found upwards from here: these scripts also run compiled, elsewhere. */
export function packageRoot(from: string = __dirname): string {
	for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
	}
	throw new Error(`No package.json of ${PACKAGE_NAME} above ${from}.`);
}
