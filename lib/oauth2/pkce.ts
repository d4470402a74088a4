/** PKCE (RFC 7636) with S256, which simple-oauth2 does not do itself. */
import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
	verifier: string;
	challenge: string;
	method: 'S256';
}

export function createPkcePair(): PkcePair {
	// 32 random bytes → 43 base64url characters, within the 43..128 the RFC asks for.
	const verifier = randomBytes(32).toString('base64url');
	return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), method: 'S256' };
}
