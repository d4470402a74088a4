/**
 * What the editor tells a user about a credential it cannot vouch for, in Chromium against the
 * real n8n: the Test on save never passes without having checked the credential (a wrong bearer
 * token fails against the Test URL, else the Base URL; with neither, the dialog says the
 * credential was saved but not verified and names the field to fill), and n8n's own "Allowed HTTP
 * Request Domains" on the OAuth2 Connect type holds when the workflow runs from the editor.
 */
import type { Page } from 'playwright-core';
import { DEMO_CASES, type DemoCase, demoWorkflow, REQUEST_NAME } from '../../scripts/demo/fixtures';
import { DEMO_OWNER } from '../../scripts/n8n/owner';
import { type Browser, openBrowser } from './support/browser';
import { demoApiOf, e2eContext } from './support/context';
import {
	choose,
	expectVisible,
	field,
	fillCredentialForm,
	nameCredential,
	openNewCredential,
	pressConnect,
	saveAndReadTest,
	signIn,
	TEST_FAILED,
	TESTED_OK,
} from './support/editor';
import { signInRest } from './support/n8nRest';

const context = e2eContext();
const api = demoApiOf(context);
const bearer = DEMO_CASES.find((c) => c.key === 'bearer') as DemoCase;
const connect = DEMO_CASES.find((c) => c.key === 'connect') as DemoCase;
/** Either outcome of a Test, so that the wrong one fails the assertion at once instead of a wait. */
const TESTED = new RegExp(`${TESTED_OK.source}|${TEST_FAILED.source}`);
const WRONG_TOKEN = 'wrong-token-typed-in-the-editor';

let browser: Browser;
let page: Page;

beforeAll(async () => {
	browser = await openBrowser();
	page = browser.page;
	await signIn(page, context.n8nUrl, DEMO_OWNER);
});

afterAll(async () => {
	await browser?.close();
});

describe('a Bearer credential\'s Test on save', () => {
	// The demo's Bearer credential but for its URLs: each test sets the ones it is about.
	const { baseUrl, testUrl, ...rest } = bearer.data(api);
	const baseOnly = { ...rest, baseUrl };

	async function saveNew(name: string, data: Record<string, unknown>): Promise<string> {
		await openNewCredential(page, context.n8nUrl, bearer.credentialType);
		await nameCredential(page, name);
		await fillCredentialForm(page, data);
		return await saveAndReadTest(page, TESTED);
	}

	it('fails for a wrong token with no Test URL, from what the Base URL answered', async () => {
		const shown = await saveNew('Wrong token, Base URL only', { ...baseOnly, token: WRONG_TOKEN });
		expect(shown).toMatch(TEST_FAILED);
		expect(shown).not.toMatch(TESTED_OK);
		expect(shown).toMatch(/\/bearer: the API rejected the credential \(401 Unauthorized\)/);
		expect(shown).not.toContain(WRONG_TOKEN);
		await browser.screenshot('credential-test-failure-base-url', page.getByTestId('editCredential-modal'));
	});

	it('fails for a wrong token with a Test URL, naming what the Test URL answered', async () => {
		const shown = await saveNew('Wrong token, Test URL', { ...baseOnly, testUrl, token: WRONG_TOKEN });
		expect(shown).toMatch(TEST_FAILED);
		expect(shown).toMatch(new RegExp(`/bearer${testUrl}: the API rejected the credential \\(401 Unauthorized\\)`));
		expect(shown).not.toContain(WRONG_TOKEN);
	});

	it('says the credential was saved but not verified, and which field to fill, with neither URL', async () => {
		const shown = await saveNew('Wrong token, no URL', { ...rest, token: WRONG_TOKEN });
		expect(shown).toMatch(TEST_FAILED);
		expect(shown).toContain('The credential was saved, but Test could not verify it');
		expect(shown).toContain('neither Test URL nor Base URL is set, so no request was made');
		expect(shown).toMatch(/Set Test URL to an endpoint of your API that requires authentication/);
		await browser.screenshot('credential-test-not-verified', page.getByTestId('editCredential-modal'));
	});

	it('passes for the right token against the Base URL alone (accepted with it, refused without)', async () => {
		const shown = await saveNew('Right token, Base URL only', baseOnly);
		expect(shown).toMatch(TESTED_OK);
		expect(shown).not.toMatch(TEST_FAILED);
	});
});

describe('n8n\'s "Allowed HTTP Request Domains" on an OAuth2 Connect credential, when the workflow runs', () => {
	const NAME = 'Connect, domains checked';
	let credentialId = '';
	let workflowId = '';

	beforeAll(async () => {
		// Made and connected in the editor, as a user would; the workflow saved through the editor's own API.
		await openNewCredential(page, context.n8nUrl, connect.credentialType);
		await nameCredential(page, NAME);
		await fillCredentialForm(page, connect.data(api));
		await pressConnect(page);
		const rest = await signInRest(context.n8nUrl, DEMO_OWNER);
		const credentials = await rest.get<Array<{ id: string; name: string }>>('/rest/credentials');
		credentialId = (credentials.find((c) => c.name === NAME) as { id: string }).id;
		const workflow = demoWorkflow({ ...connect, credentialId, credentialName: NAME });
		workflowId = (await rest.post<{ id: string }>('/rest/workflows', { ...workflow, id: undefined, name: 'Orders, domains checked' })).id;
	}, 120_000);

	/** Opens the credential, picks `choice` (and fills Allowed Domains when given), saves. */
	async function setDomains(choice: 'All' | 'Specific Domains' | 'None', allowedDomains?: string): Promise<void> {
		await page.goto(`${context.n8nUrl}/home/credentials/${credentialId}`);
		await choose(page, 'allowedHttpRequestDomains', choice);
		if (allowedDomains !== undefined) await field(page, 'allowedDomains').fill(allowedDomains);
		const save = page.getByTestId('credential-save-button');
		await save.click();
		await save.getByText('Saved', { exact: true }).waitFor({ state: 'visible' });
	}

	/** Runs the workflow from the editor; returns how the request node ended, with its output pane open. */
	async function runFromEditor(): Promise<'success' | 'error'> {
		await page.goto(`${context.n8nUrl}/workflow/${workflowId}`);
		await page.getByTestId('execute-workflow-button').click();
		const request = page.getByTestId('canvas-node').filter({ hasText: REQUEST_NAME });
		// A failed node shows its error under n8n's issues icon.
		const status = request.getByTestId(/^(canvas-node-status-success|node-issues)$/);
		await status.waitFor({ state: 'visible' });
		const ended = (await status.getAttribute('data-test-id')) === 'canvas-node-status-success' ? 'success' : 'error';
		await request.dblclick();
		return ended;
	}

	/** The output pane's text once `text` shows in it. */
	async function outputShowing(text: string): Promise<string> {
		const output = page.getByTestId('output-panel');
		await expectVisible(output.getByText(text));
		return await output.innerText();
	}

	it('All: the request goes through', async () => {
		expect(await runFromEditor()).toBe('success');
		await outputShowing(connect.expect.client as string);
	});

	it('None: the request is refused before it is sent, naming the setting', async () => {
		await setDomains('None');
		expect(await runFromEditor()).toBe('error');
		await outputShowing('Allowed HTTP Request Domains: is "None", so this credential may not be used for requests');
		await browser.screenshot('allowed-domains-none', page.getByTestId('ndv'));
	});

	it('Specific Domains without the API\'s host: refused, naming the host and Allowed Domains', async () => {
		await setDomains('Specific Domains', 'api.example.com');
		expect(await runFromEditor()).toBe('error');
		const shown = await outputShowing('host "127.0.0.1" is not in the credential\'s allowed domains (api.example.com)');
		expect(shown).toContain('Allowed Domains');
	});

	it('Specific Domains with the API\'s host: the request goes through', async () => {
		await setDomains('Specific Domains', '127.0.0.1');
		expect(await runFromEditor()).toBe('success');
		await outputShowing(connect.expect.client as string);
	});
});
