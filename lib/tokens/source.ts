/**
 * One way of obtaining tokens. The lifecycle around it (cache, store, lock, single flight, early
 * renewal, back-off, revocation memory) is the token manager's and the same for every source:
 * a source only knows how to ask for a token and how to read the answer.
 */
import type http from 'node:http';
import type { TokenState } from '../stores/tokenStore';
import type { RefreshPolicy } from './decision';

/** How one token request is sent: the credential's connection pool, a time limit and the clock. */
export interface TokenCall {
	agent: http.Agent;
	timeoutMs: number;
	now(): number;
}

export interface TokenSource {
	/** For messages: where tokens are requested (a URL without its query). */
	readonly endpoint: string;
	/** Whether a token can be had without a refresh token (a grant, a login); false: refresh only. */
	readonly canObtain: boolean;
	readonly policy: RefreshPolicy;
	/** Whether a refresh whose answer was lost may be sent again (some providers allow repeats). */
	readonly retryUnknownOutcome: boolean;
	/**
	 * Everything that makes this source's tokens differ from another configuration's, hashed into the
	 * store key; secrets appear only as hashes (see key.ts). Two sources with equal identities share state.
	 */
	identity(): Record<string, unknown>;
	/** Token state the credential itself holds (a pasted or connected token), used while the store has none. */
	seed?(now: number): TokenState | undefined;
	/** A new token. Failures are TokenRequestErrors naming the endpoint, the status and the fix. */
	obtain(call: TokenCall): Promise<TokenState>;
	/**
	 * A new token from `state`'s refresh token. A refused refresh token is a TokenRequestError with
	 * `grantRevoked`; a request sent without an answer one with `outcomeUnknown`.
	 */
	refresh(state: TokenState & { refreshToken: string }, call: TokenCall): Promise<TokenState>;
	/** What the credential test reports about a token: where it was found and what says when it expires. */
	describe?(state: TokenState, now: number): string;
}
