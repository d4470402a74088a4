/**
 * "The token expired", as the API says it: a status (401 by default), or a value in the body for
 * APIs that answer 200 with an error code (Adobe Marketo `errors[0].code` 601/602, WeChat-style
 * `errcode` 40001/42001). Shared by every token-based credential type (credentials/shared/tokenExpired.ts).
 */
import { ConfigError } from '../errors';
import { parseStatuses, splitList } from '../oauth2/settings';
import { valueAtPath } from '../json/paths';
import type { HttpResponse } from '../transport/types';
import type { CredentialReader } from './credentialReader';

export interface ExpiredSignal {
	statuses: number[];
	/** A JSON path into the response body (dot and [index] notation), with the values that mean "expired". */
	body?: { path: string; values: string[] };
}

export const EXPIRED_FIELDS = {
	statuses: 'Token Expired Status Codes',
	bodyPath: 'Token Expired Body Path',
	bodyValues: 'Token Expired Body Values',
} as const;

export function readExpiredSignal(reader: CredentialReader): ExpiredSignal {
	const statuses = parseStatuses(reader.string('expiredStatusCodes', EXPIRED_FIELDS.statuses), EXPIRED_FIELDS.statuses);
	const path = reader.string('expiredBodyPath', EXPIRED_FIELDS.bodyPath)?.trim();
	if (!path) return { statuses };
	const values = splitList(reader.string('expiredBodyValues', EXPIRED_FIELDS.bodyValues));
	if (!values.length) {
		throw new ConfigError(EXPIRED_FIELDS.bodyValues, `is empty while ${EXPIRED_FIELDS.bodyPath} is set`, 'Enter the values that mean "token expired", separated by commas, e.g. 40001, 42001.');
	}
	return { statuses, body: { path, values } };
}

function jsonBody(response: HttpResponse): unknown {
	const text = response.body.toString('utf8').trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** Why the response means "token expired" ("HTTP 401", "errcode = 40001"), or undefined. */
export function expiredReason(signal: ExpiredSignal, response: HttpResponse): string | undefined {
	if (signal.statuses.includes(response.status)) return `HTTP ${response.status}`;
	if (!signal.body) return undefined;
	const value = valueAtPath(jsonBody(response), signal.body.path);
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	const text = String(value);
	return signal.body.values.includes(text) ? `${signal.body.path} = ${text}` : undefined;
}
