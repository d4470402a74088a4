/**
 * Output is scrubbed in the form it is returned, not as it arrived: a JSON body may hide a secret
 * behind escapes (\/, \u002B) that parsing undoes, so the check runs on the items as they will
 * be stored (serialised), and only items that hold a secret form are copied. File bodies are
 * scanned byte for byte and redacted in place, the bytes around a secret left as they were.
 */
import type { Redactor } from '../security/redact';

export function scrubItems<T>(items: T[], redactor: Redactor): T[] {
	return !redactor.isEmpty && redactor.contains(JSON.stringify(items)) ? redactor.value(items) : items;
}

export function scrubFile<T extends { data: Buffer }>(file: T | undefined, redactor: Redactor): T | undefined {
	return file && !redactor.isEmpty ? { ...file, data: redactor.bytes(file.data) } : file;
}
