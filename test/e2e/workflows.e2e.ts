/**
 * The demo workflows, imported into a real n8n 2.40.7 and run through its command line
 * (`n8n execute`, the same engine a manual run uses): every one is green, its output is what the
 * demo API answered to the credential, and no secret is in the saved run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_SECRETS } from '../../scripts/demo/api';
import { DEMO_CASES, type DemoCase, REQUEST_NAME } from '../../scripts/demo/fixtures';
import { findLeaks } from '../support/secrets';
import { e2eContext } from './support/context';
import { execute, type RunOutput } from './support/execute';

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
		expect(json.authTrace).toMatchObject({ method: expect.any(String) });
	});

	it('keeps every secret out of the run data', () => {
		const { bearerToken, apiKey, basicPassword, clientSecret } = DEMO_SECRETS;
		expect(findLeaks(run, [bearerToken, apiKey, basicPassword, clientSecret])).toEqual([]);
	});
});

describe('the OAuth2 Connect demo after its access token expired', () => {
	const connect = DEMO_CASES.find((c) => c.key === 'connect') as DemoCase;
	const lifetimeMs = () => e2eContext().tokenLifetimeSeconds * 1000;
	const trace = (run: RunOutput) => run.data.resultData.runData[REQUEST_NAME][0].data.main[0][0].json.authTrace as { expiresAt?: string };

	it('renews it with the rotating refresh token, in each new n8n process, and stays green', async () => {
		// The provider revokes the grant when a refresh token comes back twice: the second renewal
		// only works if the first one's new refresh token was kept (in the package's token store).
		for (let round = 0; round < 2; round++) {
			await new Promise((resolve) => setTimeout(resolve, lifetimeMs() + 1000));
			const before = Date.now();
			const run = await execute(connect.workflowId);
			const after = Date.now();
			expect(run.data.resultData.error).toBeUndefined();
			// The token used was issued during this run: a renewal happened.
			const expiresAt = Date.parse(trace(run).expiresAt ?? '');
			expect(expiresAt).toBeGreaterThanOrEqual(before + lifetimeMs() - 1000);
			expect(expiresAt).toBeLessThanOrEqual(after + lifetimeMs() + 1000);
		}
	});
});

it('n8n\'s logs hold no secret of the demo credentials', () => {
	const logs = join(e2eContext().site.userFolder, 'logs');
	const text = readdirSync(logs).map((name) => readFileSync(join(logs, name), 'utf8')).join('\n');
	expect(text.length).toBeGreaterThan(0);
	const { bearerToken, apiKey, basicPassword, clientSecret } = DEMO_SECRETS;
	expect(findLeaks(text, [bearerToken, apiKey, basicPassword, clientSecret])).toEqual([]);
});
