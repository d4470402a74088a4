/**
 * One item's request from built request to output: the exchange with retries, the status check,
 * pagination, shaping, and scrubbing of secrets an API echoed back.
 */
import type { AuthTrace } from '../auth/types';
import { exchange, type ExchangeOptions } from '../exchange';
import type { PaginationSpec } from '../pagination/next';
import { fetchPages, resultItems } from '../pagination/paginate';
import { scrubFile, scrubItems } from '../response/scrub';
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
	const scrub = (shaped: ShapedResponse): ShapedResponse => ({
		items: scrubItems(shaped.items, session.secrets.redactor),
		binary: scrubFile(shaped.binary, session.secrets.redactor),
	});

	const { pagination } = options;
	if (!pagination) return [scrub(shapeResponse(await send(request), options))];
	const pages = fetchPages(request, pagination, send, options.format, session.connection.policy);
	if (pagination.output === 'merged') {
		const items: Array<Record<string, unknown>> = [];
		for await (const page of pages) {
			for (const item of scrubItems(resultItems(page, pagination.resultsPath), session.secrets.redactor)) items.push(item);
		}
		return [{ items }];
	}
	const shaped: ShapedResponse[] = [];
	for await (const page of pages) {
		shaped.push(scrub(shapeDecoded(page.response, page.decoded, options)));
	}
	return shaped;
}
