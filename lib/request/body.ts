/** Encodes the body kinds the node offers into bytes plus a content type. */
import { randomBytes } from 'node:crypto';

export type QueryScalar = string | number | boolean | null | undefined;

export interface MultipartField {
	name: string;
	value: string;
}

export interface MultipartFile {
	name: string;
	data: Buffer;
	fileName: string;
	contentType: string;
}

export type BodySpec =
	| { type: 'json'; value: unknown }
	| { type: 'form'; fields: Array<[string, string]> }
	| { type: 'multipart'; parts: Array<MultipartField | MultipartFile> }
	| { type: 'raw'; contentType: string; data: string | Buffer }
	| { type: 'binary'; contentType: string; data: Buffer };

export interface EncodedBody {
	data: Buffer | string;
	contentType: string;
}

function quoted(text: string): string {
	return text.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c));
}

export function encodeMultipart(parts: Array<MultipartField | MultipartFile>, boundary = `----n8nApiAuth${randomBytes(12).toString('hex')}`): EncodedBody {
	const chunks: Buffer[] = [];
	for (const part of parts) {
		const file = 'data' in part;
		const disposition = `form-data; name="${quoted(part.name)}"${file ? `; filename="${quoted(part.fileName)}"` : ''}`;
		const head = [`--${boundary}`, `Content-Disposition: ${disposition}`];
		if (file) head.push(`Content-Type: ${part.contentType || 'application/octet-stream'}`);
		chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'utf8'));
		chunks.push(file ? part.data : Buffer.from(part.value, 'utf8'));
		chunks.push(Buffer.from('\r\n', 'utf8'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { data: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function encodeBody(body: BodySpec): EncodedBody {
	switch (body.type) {
		case 'json':
			return { data: typeof body.value === 'string' ? body.value : JSON.stringify(body.value), contentType: 'application/json' };
		case 'form':
			return { data: new URLSearchParams(body.fields).toString(), contentType: 'application/x-www-form-urlencoded' };
		case 'multipart':
			return encodeMultipart(body.parts);
		case 'raw':
		case 'binary':
			return { data: body.data, contentType: body.contentType };
	}
}
