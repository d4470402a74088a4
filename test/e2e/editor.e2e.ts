/**
 * The editor as a person uses it, in Debian's Chromium against the real n8n: set up the owner on
 * the first-run screen, find the node in the nodes panel, create each credential type and press
 * Test with a wrong and then the right secret, and run a demo workflow. Screenshots of each step
 * go to test-results/e2e (the README's come from there). Diagnosis texts are asserted on their
 * stable parts only.
 */
import type { Page } from 'playwright-core';
import { DEMO_CASES, type DemoCase, REQUEST_NAME } from '../../scripts/demo/fixtures';
import { DEMO_OWNER } from '../../scripts/n8n/owner';
import { type Browser, openBrowser } from './support/browser';
import { demoApiOf, e2eContext } from './support/context';
import { expectVisible, field, fillCredentialForm, nameCredential, openNewCredential, pressConnect, saveAndReadTest, TEST_FAILED, TESTED_OK } from './support/editor';

const context = e2eContext();
const api = demoApiOf(context);

/** The field each credential type is tested with a wrong value in, and what the failure names. */
const SECRET_FIELD: Record<string, { field: string; failure: RegExp }> = {
	apiAuthBearerToken: { field: 'token', failure: /401|rejected/i },
	apiAuthApiKey: { field: 'apiKey', failure: /401|rejected/i },
	apiAuthBasic: { field: 'password', failure: /401|rejected/i },
	apiAuthOAuth2: { field: 'clientSecret', failure: /invalid_client|401|rejected/i },
};

let browser: Browser;
let page: Page;

beforeAll(async () => {
	browser = await openBrowser();
	page = browser.page;
});

afterAll(async () => {
	await browser?.close();
});

it('sets up the owner account on the first-run screen', async () => {
	await page.goto(`${context.n8nUrl}/setup`);
	await page.getByLabel('Email').fill(DEMO_OWNER.email);
	await page.getByLabel('First Name').fill(DEMO_OWNER.firstName);
	await page.getByLabel('Last Name').fill(DEMO_OWNER.lastName);
	await page.getByLabel('Password').fill(DEMO_OWNER.password);
	await browser.screenshot('owner-setup');
	await page.getByRole('button', { name: 'Next' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
});

it('finds "Authenticated HTTP Request" in the nodes panel', async () => {
	await page.goto(`${context.n8nUrl}/workflow/${DEMO_CASES[0].workflowId}`);
	await page.getByTestId('node-creator-plus-button').click();
	await page.keyboard.type('Authenticated');
	const item = page.getByTestId('node-creator-node-item').filter({ hasText: 'Authenticated HTTP Request' });
	await expectVisible(item);
	await browser.screenshot('node-panel');
});

describe.each(DEMO_CASES.filter((c) => SECRET_FIELD[c.credentialType]))('credential "$credentialType" in the editor', (demo) => {
	it('Test shows a diagnosis for a wrong secret, then success for the right one', async () => {
		const { field: secretField, failure } = SECRET_FIELD[demo.credentialType];
		const rightSecret = String(demo.data(api)[secretField]);
		const wrongSecret = 'wrong-secret-typed-in-the-editor';
		await openNewCredential(page, context.n8nUrl, demo.credentialType);
		await nameCredential(page, `My ${demo.credentialName.replace('Demo: ', '')}`);
		await fillCredentialForm(page, { ...demo.data(api), [secretField]: wrongSecret });
		const modal = page.getByTestId('editCredential-modal');
		if (demo.key === 'bearer') await browser.screenshot('credential-form', modal);

		const failed = await saveAndReadTest(page, TEST_FAILED);
		expect(failed).toMatch(failure);
		expect(failed).not.toContain(wrongSecret);
		await browser.screenshot(`credential-test-failure-${demo.key}`, modal);

		await field(page, secretField).fill(rightSecret);
		const passed = await saveAndReadTest(page, TESTED_OK);
		expect(passed).toMatch(TESTED_OK);
		expect(passed).not.toMatch(TEST_FAILED);
		await browser.screenshot(`credential-test-success-${demo.key}`, modal);
	});
});

it('connects an OAuth2 (Connect) credential through n8n\'s OAuth2 callback, with PKCE', async () => {
	const demo = DEMO_CASES.find((c) => c.key === 'connect') as DemoCase;
	await openNewCredential(page, context.n8nUrl, demo.credentialType);
	await nameCredential(page, 'My OAuth2 Connect');
	await fillCredentialForm(page, demo.data(api));
	await pressConnect(page);
	await browser.screenshot('credential-connected', page.getByTestId('editCredential-modal'));
});

it('runs a demo workflow and shows the output', async () => {
	const demo = DEMO_CASES.find((c) => c.key === 'oauth2') as DemoCase;
	await page.goto(`${context.n8nUrl}/workflow/${demo.workflowId}`);
	await page.getByTestId('execute-workflow-button').click();
	const request = page.getByTestId('canvas-node').filter({ hasText: REQUEST_NAME });
	await expectVisible(request.getByTestId('canvas-node-status-success'));
	await request.dblclick();
	const output = page.getByTestId('output-panel');
	await expectVisible(output.getByText(demo.expect.client as string));
	// The JSON view shows the auth trace too: where the token came from and when it expires.
	await output.getByTestId('radio-button-json').click();
	await expectVisible(output.getByText('tokenSource'));
	await browser.screenshot('workflow-output', page.getByTestId('ndv'));
});

it('the browser requested nothing outside localhost, but for the font n8n\'s OAuth2 callback page links', () => {
	// n8n's own oauth-callback page links Open Sans from Google Fonts (it fails offline, harmlessly).
	const callbackFont = (r: { url: string; from: string }) =>
		r.from.includes('/rest/oauth2-credential/callback') && r.url.startsWith('https://fonts.googleapis.com/');
	expect(browser.external.filter((r) => !callbackFont(r))).toEqual([]);
});
