/**
 * The editor as a person uses it, in Debian's Chromium against the real n8n: set up the owner on
 * the first-run screen, find the node in the nodes panel, create each credential type and press
 * Test with a wrong and then the right secret, and run a demo workflow. Screenshots of each step
 * go to test-results/e2e (the README's come from there). Diagnosis texts are asserted on their
 * stable parts only.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DemoApi } from '../../scripts/demo/api';
import { DEMO_CASES, type DemoCase, REQUEST_NAME } from '../../scripts/demo/fixtures';
import { DEMO_OWNER } from '../../scripts/n8n/owner';
import { type Browser, openBrowser } from './support/browser';
import { e2eContext } from './support/context';

/** The credential type's name as the editor lists it, from the built package n8n loaded. */
function credentialDisplayName(typeName: string): string {
	const file = `${typeName.charAt(0).toUpperCase()}${typeName.slice(1)}`;
	const module = require(join(__dirname, '..', '..', 'dist', 'credentials', `${file}.credentials.js`)) as Record<string, new () => { displayName: string }>;
	return new module[file]().displayName;
}

const context = e2eContext();
const api = { apiUrl: context.apiUrl, oauthUrl: context.oauthUrl, caCert: context.caCert, connectGrant: { accessToken: '', refreshToken: '' } } as DemoApi;

/** The field each credential type is tested with a wrong value in, and what the failure names. */
const SECRET_FIELD: Record<string, { field: string; failure: RegExp }> = {
	apiAuthBearerToken: { field: 'token', failure: /401|rejected/i },
	apiAuthApiKey: { field: 'apiKey', failure: /401|rejected/i },
	apiAuthBasic: { field: 'password', failure: /401|rejected/i },
	apiAuthOAuth2: { field: 'clientSecret', failure: /invalid_client|401|rejected/i },
};

/** Fields left at their defaults in the form (options whose default is what the demo uses), or set otherwise. */
const DEFAULTED = new Set(['grantType', 'authentication', 'placement', 'usePkce', 'useCustomTls', 'tlsCa', 'oauthTokenData']);

let browser: Browser;
let page: Page;

const field = (name: string) => page.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();

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

async function expectVisible(locator: ReturnType<Page['locator']>): Promise<void> {
	await locator.first().waitFor({ state: 'visible' });
	expect(await locator.first().isVisible()).toBe(true);
}

async function openNewCredential(demo: DemoCase): Promise<void> {
	await page.goto(`${context.n8nUrl}/home/credentials/create`);
	const typeName = demo.credentialType;
	const select = page.getByTestId('new-credential-type-select');
	const label = credentialDisplayName(typeName);
	await select.locator('input').fill(label);
	await page.getByTestId('new-credential-type-select-option').getByText(label, { exact: true }).click();
	await page.getByTestId('new-credential-type-button').click();
}

async function fillForm(demo: DemoCase, secret?: string): Promise<void> {
	const secretField = SECRET_FIELD[demo.credentialType]?.field;
	for (const [name, value] of Object.entries(demo.data(api))) {
		if (DEFAULTED.has(name)) continue;
		await field(name).fill(name === secretField && secret !== undefined ? secret : String(value));
	}
	await page.getByTestId('parameter-input-useCustomTls').click();
	await field('tlsCa').fill(api.caCert);
}

const TESTED_OK = /Connection tested successfully/;
const TEST_FAILED = /Couldn.t connect with these settings/;

/** Saves (n8n then runs the credential's Test) and returns the dialog's text once `outcome` shows. */
async function saveAndReadTest(outcome: RegExp): Promise<string> {
	const modal = page.getByTestId('editCredential-modal');
	await page.getByTestId('credential-save-button').click();
	await modal.getByText(outcome).first().waitFor({ state: 'visible' });
	const details = modal.getByText('More details');
	if (await details.isVisible()) await details.click();
	return await modal.innerText();
}

async function nameCredential(name: string): Promise<void> {
	await page.getByTestId('credential-name').click();
	await page.getByTestId('credential-name').getByTestId('inline-edit-input').fill(name);
	await page.keyboard.press('Enter');
}

describe.each(DEMO_CASES.filter((c) => SECRET_FIELD[c.credentialType]))('credential "$credentialType" in the editor', (demo) => {
	it('Test shows a diagnosis for a wrong secret, then success for the right one', async () => {
		const { field: secretField, failure } = SECRET_FIELD[demo.credentialType];
		const rightSecret = String(demo.data(api)[secretField]);
		const wrongSecret = 'wrong-secret-typed-in-the-editor';
		await openNewCredential(demo);
		await nameCredential(`My ${demo.credentialName.replace('Demo: ', '')}`);
		await fillForm(demo, wrongSecret);
		const modal = page.getByTestId('editCredential-modal');
		if (demo.key === 'bearer') await browser.screenshot('credential-form', modal);

		const failed = await saveAndReadTest(TEST_FAILED);
		expect(failed).toMatch(failure);
		expect(failed).not.toContain(wrongSecret);
		await browser.screenshot(`credential-test-failure-${demo.key}`, modal);

		await field(secretField).fill(rightSecret);
		const passed = await saveAndReadTest(TESTED_OK);
		expect(passed).toMatch(TESTED_OK);
		expect(passed).not.toMatch(TEST_FAILED);
		await browser.screenshot(`credential-test-success-${demo.key}`, modal);
	});
});

it('connects an OAuth2 (Connect) credential through n8n\'s OAuth2 callback, with PKCE', async () => {
	const demo = DEMO_CASES.find((c) => c.key === 'connect') as DemoCase;
	await openNewCredential(demo);
	await nameCredential('My OAuth2 Connect');
	await fillForm(demo);
	const modal = page.getByTestId('editCredential-modal');
	const popup = page.context().waitForEvent('page');
	await modal.getByTestId('oauth-not-connected-banner').getByRole('button').first().click();
	// The demo server approves at once and sends the code to n8n, which closes the window.
	await (await popup).waitForEvent('close', { timeout: 30_000 });
	await expectVisible(modal.getByTestId('oauth-connect-success-banner'));
	await browser.screenshot('credential-connected', modal);
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
