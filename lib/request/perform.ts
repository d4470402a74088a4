/**
 * One item's request from built request to output: the exchange with retries, the status check,
 * pagination, shaping, and scrubbing of secrets an API echoed back.
 */
import type { AuthTrace } from '../auth/types';
import { exchange, type ExchangeOptions } from '../exchange';
import type { PaginationSpec } from '../pagination/next';
import { fetchPages, resultItems } from '../pagination/paginate';
import { scrubItems } from '../response/scrub';
import { assertAccepted, type ResponseOptions, shapeDecoded, shapeResponse, type ShapedResponse } from '../response/shape';
import type { Logger } from '../services';
import type { AuthSession } from '../session';
import { type RetryPolicy, withRetries } from '../transport/retry';
import { displayUrl } from '../transport/send';
import type { HttpResponse, OutgoingRequest } from '../transport/types';

export interface PerformOptions extends ResponseOptions {
	exchange: ExchangeOptions;
	retry: RetryPolicy;
	pagination?: PaginationSpec;
}

export async function performRequest(
	session: AuthSession,
	request: OutgoingRequest,
	options: PerformOptions,
	trace: AuthTrace,
	logger: Logger,
): Promise<ShapedResponse[]> {
	const send = async (outgoing: OutgoingRequest): Promise<HttpResponse> => {
		const response = await withRetries(outgoing.method, options.retry, () => exchange(session, outgoing, options.exchange, trace), {
			onRetry: ({ attempt, waitMs, reason }) =>
				logger.debug(`API Auth: attempt ${attempt} to ${displayUrl(outgoing.url)} failed (${reason}); retrying in ${waitMs} ms`),
		});
		assertAccepted(response, options, session.method.label);
		return response;
	};
	// Read when needed: a token obtained during the request joins the secrets to scrub.
	const scrub = <T>(items: T[], response: HttpResponse, body: boolean): T[] =>
		scrubItems(items, response, session.secrets.redactor, { body, headers: options.fullResponse });

	const { pagination } = options;
	if (!pagination) {
		const response = await send(request);
		const shaped = shapeResponse(response, options);
		return [{ ...shaped, items: scrub(shaped.items, response, !shaped.binary) }];
	}
	const pages = fetchPages(request, pagination, send, options.format, session.connection.policy);
	if (pagination.output === 'merged') {
		const items: Array<Record<string, unknown>> = [];
		for await (const page of pages) {
			for (const item of scrub(resultItems(page, pagination.resultsPath), page.response, true)) items.push(item);
		}
		return [{ items }];
	}
	const shaped: ShapedResponse[] = [];
	for await (const page of pages) {
		const one = shapeDecoded(page.response, page.decoded, options);
		shaped.push({ ...one, items: scrub(one.items, page.response, !one.binary) });
	}
	return shaped;
}
