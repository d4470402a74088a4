/**
 * The pagination loop: fetches page after page through `send` (the exchange with retries, so
 * every page carries the credential by the same rules) until a stop condition holds.
 */
import { asItems, decodeBody, isSuccess, type ResponseFormat } from '../response/shape';
import type { UrlPolicy } from '../security/urlPolicy';
import type { HttpResponse, OutgoingRequest } from '../transport/types';
import { assertMayFollow, firstPageRequest, isEmptyPage, nextPageRequest, type Page, pageResults, type PaginationSpec } from './next';

export async function* fetchPages(
	first: OutgoingRequest,
	spec: PaginationSpec,
	send: (request: OutgoingRequest) => Promise<HttpResponse>,
	format: ResponseFormat,
	policy: UrlPolicy,
): AsyncGenerator<Page> {
	let request = firstPageRequest(first, spec);
	for (let number = 1; ; number++) {
		const response = await send(request);
		const page: Page = { response, decoded: decodeBody(response, format) };
		yield page;
		// An error page (with Never Error on) has no next page to trust.
		if (number >= spec.maxPages || !isSuccess(response.status)) return;
		if (spec.stopWhenEmpty && isEmptyPage(page.decoded, spec.resultsPath)) return;
		const next = nextPageRequest(spec, request, page, number);
		if (!next) return;
		assertMayFollow(next.url, first.url, policy);
		request = next;
	}
}

/** A page's results as output items, for merged output: none when the results path is missing. */
export function resultItems(page: Page, resultsPath: string): Array<Record<string, unknown>> {
	const results = pageResults(page.decoded, resultsPath);
	return results === undefined || results === null ? [] : asItems(results);
}
