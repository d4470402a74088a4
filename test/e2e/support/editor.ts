/**
 * What a person does in n8n's editor, shared by the browser tests: sign in, open a new credential
 * of a type, fill its form, save it (n8n then runs the credential's Test) and read what the dialog
 * says, run a workflow and read what its node shows.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ensureOwner, type Owner } from '../../../scripts/n8n/owner';

export const TESTED_OK = /Connection tested successfully/;
export const TEST_FAILED = /Couldn.t connect with these settings/;

/** Fields left at their defaults in the form (options whose default is what the demo uses), or set otherwise. */
const DEFAULTED = new Set(['grantType', 'authentication', 'placement', 'usePkce', 'useCustomTls', 'tlsCa', 'oauthTokenData']);

/** The credential type's name as the editor lists it, from the built package n8n loaded. */
export function credentialDisplayName(typeName: string): string {
	const file = `${typeName.charAt(0).toUpperCase()}${typeName.slice(1)}`;
	const module = require(join(__dirname, '..', '..', '..', 'dist', 'credentials', `${file}.credentials.js`)) as Record<string, new () => { displayName: string }>;
	return new module[file]().displayName;
}

export async function expectVisible(locator: Locator): Promise<void> {
	await locator.first().waitFor({ state: 'visible' });
	expect(await locator.first().isVisible()).toBe(true);
}

/** The text box of a form parameter (credential or node). */
export function field(page: Page, name: string): Locator {
	return page.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
}

/** Picks `option` in an options parameter's drop-down (an option's accessible name is its name, then its description). */
export async function choose(page: Page, name: string, option: string): Promise<void> {
	await page.getByTestId(`parameter-input-${name}`).click();
	await page.getByRole('option', { name: new RegExp(`^${option}\\b`) }).filter({ visible: true }).click();
}

/** Signs in on n8n's sign-in page; sets up the owner first (as the first-run screen would) on a fresh n8n. */
export async function signIn(page: Page, n8nUrl: string, owner: Owner): Promise<void> {
	await ensureOwner(n8nUrl, owner);
	await page.goto(`${n8nUrl}/signin`);
	await page.getByTestId('emailOrLdapLoginId').locator('input').fill(owner.email);
	await page.getByTestId('password').locator('input').fill(owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

export async function openNewCredential(page: Page, n8nUrl: string, typeName: string): Promise<void> {
	await page.goto(`${n8nUrl}/home/credentials/create`);
	const select = page.getByTestId('new-credential-type-select');
	const label = credentialDisplayName(typeName);
	await select.locator('input').fill(label);
	await page.getByTestId('new-credential-type-select-option').getByText(label, { exact: true }).click();
	await page.getByTestId('new-credential-type-button').click();
}

export async function nameCredential(page: Page, name: string): Promise<void> {
	await page.getByTestId('credential-name').click();
	await page.getByTestId('credential-name').getByTestId('inline-edit-input').fill(name);
	await page.keyboard.press('Enter');
}

/** Types each value into its field, but for those left at their default; a CA goes under Use Custom TLS. */
export async function fillCredentialForm(page: Page, data: Record<string, unknown>): Promise<void> {
	for (const [name, value] of Object.entries(data)) {
		if (DEFAULTED.has(name)) continue;
		await field(page, name).fill(String(value));
	}
	if (data.useCustomTls) {
		await page.getByTestId('parameter-input-useCustomTls').click();
		await field(page, 'tlsCa').fill(String(data.tlsCa));
	}
}

/** Saves (n8n then runs the credential's Test) and returns the dialog's text once `outcome` shows. */
export async function saveAndReadTest(page: Page, outcome: RegExp): Promise<string> {
	const modal = page.getByTestId('editCredential-modal');
	await page.getByTestId('credential-save-button').click();
	await modal.getByText(outcome).first().waitFor({ state: 'visible' });
	const details = modal.getByText('More details');
	if (await details.isVisible()) await details.click();
	return await modal.innerText();
}

/** Presses Connect in an OAuth2 credential's dialog and waits for "connected". */
export async function pressConnect(page: Page): Promise<void> {
	const modal = page.getByTestId('editCredential-modal');
	const popup = page.context().waitForEvent('page');
	await modal.getByTestId('oauth-not-connected-banner').getByRole('button').first().click();
	// The demo server approves at once and sends the code to n8n, which closes the window.
	await (await popup).waitForEvent('close', { timeout: 30_000 });
	await expectVisible(modal.getByTestId('oauth-connect-success-banner'));
}
