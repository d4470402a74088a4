/** The plain request and response objects that travel through the core. */
import type { Readable } from 'node:stream';

export type RequestBody = Buffer | string | Readable | undefined;

export interface OutgoingRequest {
	method: string;
	url: URL;
	/** Header names as the user wrote them; lookups are case-insensitive (see headers.ts). */
	headers: Record<string, string>;
	body?: RequestBody;
	/** Rebuilds the body for a resend (retries, 307/308 redirects) when it is a one-shot stream. */
	rebuildBody?: () => RequestBody;
}

export interface HttpResponse {
	status: number;
	statusText: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	/** The URL that produced this response (after redirects). */
	url: string;
}
