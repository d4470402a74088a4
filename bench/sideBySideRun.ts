/** Runs only the side-by-side figures, or some of their sections given as arguments (throughput, cpu, cold); `npm run bench` runs them all with the others. */
import './env';
import { loadavg } from 'node:os';
import { startExpressionEngine } from './expressionEngine';
import { SECTIONS, type Section, sideBySideBench } from './sideBySide';
import { printTable } from './support';

async function main(): Promise<{ engine: string; figures: Awaited<ReturnType<typeof sideBySideBench>> }> {
	const engine = await startExpressionEngine();
	console.log(`Node ${process.version}, expression engine ${engine}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
	const asked = process.argv.slice(2);
	const unknown = asked.filter((a) => !SECTIONS.includes(a as Section));
	if (unknown.length) throw new Error(`Unknown sections ${unknown.join(', ')}: use ${SECTIONS.join(', ')}`);
	return { engine, figures: await sideBySideBench(asked.length ? (asked as Section[]) : SECTIONS) };
}

main().then(
	({ engine, figures }) => {
		printTable(figures);
		console.log(`Node ${process.version}, expression engine ${engine}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
		process.exit(0);
	},
	(error: unknown) => {
		console.error(error);
		process.exit(2);
	},
);
