/**
 * The owner account of a fresh n8n, set up through the same REST call the first-run screen
 * makes, so a newcomer can log in with printed demo values.
 */
export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** Local demo only: n8n listens on 127.0.0.1. */
export const DEMO_OWNER: Owner = { email: 'demo@example.com', password: 'Demo-Passw0rd', firstName: 'Demo', lastName: 'Owner' };

async function json(response: Response): Promise<unknown> {
	const text = await response.text();
	if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 300)}`);
	return JSON.parse(text);
}

/** Whether n8n still shows its owner setup screen. */
export async function ownerMissing(url: string): Promise<boolean> {
	const settings = (await json(await fetch(`${url}/rest/settings`))) as { data: { userManagement: { showSetupOnFirstLoad?: boolean } } };
	return settings.data.userManagement.showSetupOnFirstLoad === true;
}

/** Sets up the owner unless one exists; true when it was created now. */
export async function ensureOwner(url: string, owner: Owner): Promise<boolean> {
	if (!(await ownerMissing(url))) return false;
	await json(await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) }));
	return true;
}
