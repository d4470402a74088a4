/** Fifty renewals against the oidc-provider client-authentication server, checked from the server's side. */
import type { OidcClientAuthServer } from '../servers/oidcClientAuth';

/**
 * 50 runs, one item each, with 2-second tokens renewed after 10% of their lifetime: each run finds
 * its token due and uses it while the renewal runs in the background. Checks every renewal was
 * accepted, no API call carried an expired token, and (for signed requests) every jti differs.
 */
export async function fiftyRenewals(
	server: OidcClientAuthServer,
	run: (renewEarly: Record<string, unknown>) => Promise<{ output: Array<{ json: Record<string, unknown> }>; error: unknown }>,
	options: { signs: boolean; settle: () => Promise<void> },
): Promise<void> {
	await server.setTtl(2);
	const refusals = server.apiRefusals;
	for (let i = 0; i < 50; i++) {
		const { output, error } = await run({ refreshWindowPercent: 90, refreshMarginSeconds: 3600 });
		expect(error).toBeUndefined();
		expect(output[0].json.ok).toBe(true);
		await options.settle();
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	expect(server.tokens.length).toBeGreaterThanOrEqual(50);
	expect(server.tokens.every((t) => t.ok)).toBe(true);
	// A 401 would be retried with a new token and go unseen in the output: the API counts them.
	expect(server.apiRefusals - refusals).toBe(0);
	if (options.signs) expect(new Set(server.tokens.map((t) => t.jti)).size).toBe(server.tokens.length);
}
