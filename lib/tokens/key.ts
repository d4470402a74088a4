/**
 * The store key of a token: a hash of its source's identity, so state obtained under one
 * configuration is never used under another (a changed secret, scope, user or pasted refresh
 * token means a new key and a fresh token).
 */
import { createHash } from 'node:crypto';
import type { TokenSource } from './source';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function tokenKey(source: Pick<TokenSource, 'identity'>): string {
	return sha256(JSON.stringify(source.identity()));
}
