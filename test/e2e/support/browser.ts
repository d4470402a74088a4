/**
 * Debian's Chromium driven by playwright-core: headless, a fresh profile, every background
 * service of the browser off (these machines reach no internet), n8n's data-test-id attributes
 * for getByTestId, and a record of any request that would leave localhost.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page, selectors } from 'playwright-core';
import { CHROMIUM } from '../../../scripts/support/chromium';
import { packageRoot } from '../../../scripts/support/packageRoot';

export const SCREENSHOT_DIR = join(packageRoot(), 'test-results', 'e2e');

const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-sync',
];

export interface Browser {
	page: Page;
	/** Requests the browser made outside localhost, with the page that made each. */
	external: Array<{ url: string; from: string }>;
	/** The whole page, or only `target` (a dialog, a panel). */
	screenshot(name: string, target?: Locator): Promise<void>;
	close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
	selectors.setTestIdAttribute('data-test-id');
	const profile = mkdtempSync(join(tmpdir(), 'n8n-api-auth-chromium-'));
	const context: BrowserContext = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1440, height: 900 },
		// n8n is plain http on localhost; the only HTTPS page is the demo OAuth2 server's authorize
		// page (Connect), whose certificate comes from the CA made for the run.
		ignoreHTTPSErrors: true,
	});
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30_000);
	const external: Browser['external'] = [];
	// On the context: popups (Connect's authorize window) count too.
	context.on('request', (request) => {
		const url = new URL(request.url());
		if (url.protocol.startsWith('http') && !['localhost', '127.0.0.1'].includes(url.hostname)) {
			let from = '';
			try {
				from = request.frame().url();
			} catch {
				// A service worker's request has no frame.
			}
			external.push({ url: request.url(), from });
		}
	});
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	return {
		page,
		external,
		screenshot: async (name, target) => void (await (target ?? page).screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) })),
		async close() {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}
