/**
 * Output items pass the redactor only when the response holds a secret form (an API that echoes
 * the request's headers or query): checking is cheap, copying every item is not. File bodies are
 * not scanned: they go into binary data as they are.
 */
import type { Redactor } from '../security/redact';
import type { HttpResponse } from '../transport/types';

export interface ScrubScope {
	/** Whether the body became JSON items (not a file). */
	body: boolean;
	/** Whether the response headers are in the output (full response). */
	headers: boolean;
}

function mayEchoSecrets(response: HttpResponse, redactor: Redactor, scope: ScrubScope): boolean {
	if (redactor.isEmpty) return false;
	if (scope.body && redactor.contains(response.body.toString('utf8'))) return true;
	return scope.headers && redactor.contains(JSON.stringify(response.headers));
}

export function scrubItems<T>(items: T[], response: HttpResponse, redactor: Redactor, scope: ScrubScope): T[] {
	return mayEchoSecrets(response, redactor, scope) ? redactor.value(items) : items;
}
