/**
 * `n8n execute --rawOutput` of an imported workflow, and the run it prints: the same engine a
 * manual run in the editor uses.
 */
import type { N8nSite } from '../../../scripts/n8n/environment';
import { n8nRun } from '../../../scripts/n8n/instance';
import { failure } from '../../../scripts/support/processes';
import { e2eContext } from './context';

export interface RunOutput {
	data: { resultData: { error?: unknown; runData: Record<string, Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
}

/** The run n8n prints as indented JSON between log lines: from a line "{" to the next line "}". */
function runDocument(stdout: string): RunOutput | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.indexOf('}', start);
	return start >= 0 && end > start ? (JSON.parse(lines.slice(start, end + 1).join('\n')) as RunOutput) : undefined;
}

/** Runs the workflow in the suite's n8n, or in another one (`site`: an `npm start` of its own). */
export async function execute(workflowId: string, site: N8nSite = e2eContext().site): Promise<RunOutput> {
	const args = ['execute', `--id=${workflowId}`, '--rawOutput'];
	const finished = await n8nRun(site, args);
	const run = runDocument(finished.stdout);
	if (finished.code === 0 && run) return run;
	// Rarely (2 in about 150 runs here) the n8n 2.40.7 CLI on Node 24 dies of a signal while
	// exiting, after printing the finished run: that run is still the one to check.
	if (finished.signal && run) {
		console.warn(`n8n execute ended by ${finished.signal} after printing the run of ${workflowId}`);
		return run;
	}
	throw failure('n8n', args, finished);
}
