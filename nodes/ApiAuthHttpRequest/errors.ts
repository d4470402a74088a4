/**
 * Core errors → n8n errors, redacted: NodeOperationError for configuration, NodeApiError for
 * remote failures. No original error object is attached as a cause: axios and simple-oauth2
 * errors carry the outgoing request, Authorization header included.
 */
import { type INode, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { ApiResponseError, ConfigError, errorMessage, TokenRequestError, TransportError } from '../../lib/errors';
import type { Redactor } from '../../lib/security/redact';

export type NodeFailure = NodeApiError | NodeOperationError;

function describe(fix: string, body?: string): string {
	return body ? `${fix}\nResponse body: ${body}` : fix;
}

export function toNodeError(node: INode, error: unknown, redactor: Redactor, itemIndex?: number): NodeFailure {
	const r = (text: string): string => redactor.text(text);
	if (error instanceof ConfigError) {
		return new NodeOperationError(node, r(error.message), { description: r(error.fix), itemIndex });
	}
	if (error instanceof ApiResponseError || error instanceof TokenRequestError || error instanceof TransportError) {
		const status = error instanceof ApiResponseError ? error.status : error instanceof TokenRequestError ? error.status : undefined;
		const body = error instanceof ApiResponseError ? r(error.body) : undefined;
		const response: JsonObject = { message: r(error.message) };
		if (status !== undefined) response.httpCode = String(status);
		// Not under `code`: NodeApiError would swap the diagnosis for its generic text for that code.
		if (error instanceof TransportError) response.networkError = error.code;
		if (error instanceof TokenRequestError && error.oauthError) response.oauthError = error.oauthError;
		return new NodeApiError(node, response, {
			message: r(error.message),
			description: r(describe(error.fix, body)),
			httpCode: status !== undefined ? String(status) : undefined,
			itemIndex,
		});
	}
	return new NodeOperationError(node, r(errorMessage(error)), { itemIndex });
}

/** The output item of a failed item when the node continues on fail. */
export function errorItemJson(failure: NodeFailure): JsonObject {
	const json: JsonObject = { error: failure.message };
	if (failure.description) json.description = failure.description;
	if (failure instanceof NodeApiError && failure.httpCode) json.httpCode = failure.httpCode;
	return json;
}
