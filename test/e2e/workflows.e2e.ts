/**
 * The demo workflows, imported into a real n8n 2.40.7 and run through its command line
 * (`n8n execute`, the same engine a manual run uses): every one is green, its output is what the
 * demo API answered to the credential, and no secret is in the saved run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_SECRETS } from '../../scripts/demo/api';
import { DEMO_CASES, REQUEST_NAME } from '../../scripts/demo/fixtures';
import { n8nOutput } from '../../scripts/n8n/instance';
import { findLeaks } from '../support/secrets';
import { e2eContext } from './support/context';

interface RunOutput {
	data: { resultData: { error?: unknown; runData: Record<string, Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
}

async function execute(workflowId: string): Promise<RunOutput> {
	const stdout = await n8nOutput(e2eContext().site, ['execute', `--id=${workflowId}`, '--rawOutput']);
	// Log lines may precede the JSON document.
	return JSON.parse(stdout.slice(stdout.indexOf('{'))) as RunOutput;
}

describe.each(DEMO_CASES)('demo workflow "$workflowName"', (demo) => {
	let run: RunOutput;

	beforeAll(async () => {
		run = await execute(demo.workflowId);
	});

	it('runs green and outputs the demo API\'s answer to the credential', () => {
		expect(run.data.resultData.error).toBeUndefined();
		const items = run.data.resultData.runData[REQUEST_NAME][0].data.main[0];
		expect(items).toHaveLength(1);
		const json = items[0].json;
		expect(json).toMatchObject({ ok: true, ...demo.expect });
		expect(json.path).toBe(demo.key === 'oauth2' ? '/api/orders' : '/orders');
		expect(json.authTrace).toMatchObject({ method: expect.any(String) });
	});

	it('keeps every secret out of the run data', () => {
		const { bearerToken, apiKey, basicPassword, clientSecret } = DEMO_SECRETS;
		expect(findLeaks(run, [bearerToken, apiKey, basicPassword, clientSecret])).toEqual([]);
	});
});

it('n8n\'s logs hold no secret of the demo credentials', () => {
	const logs = join(e2eContext().site.userFolder, 'logs');
	const text = readdirSync(logs).map((name) => readFileSync(join(logs, name), 'utf8')).join('\n');
	expect(text.length).toBeGreaterThan(0);
	const { bearerToken, apiKey, basicPassword, clientSecret } = DEMO_SECRETS;
	expect(findLeaks(text, [bearerToken, apiKey, basicPassword, clientSecret])).toEqual([]);
});
