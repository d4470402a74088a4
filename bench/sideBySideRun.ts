/** Runs only the side-by-side figures (quick look; `npm run bench` runs them with the others). */
import '../test/support/env';
import { loadavg } from 'node:os';
import { sideBySideBench } from './sideBySide';
import { printTable } from './support';

sideBySideBench().then(
	(figures) => {
		printTable(figures);
		console.log(`Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
		process.exit(0);
	},
	(error: unknown) => {
		console.error(error);
		process.exit(2);
	},
);
