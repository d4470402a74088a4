/**
 * Templates of the token request's body and headers: `{{name}}` placeholders for the
 * credential's own fields. A template is checked and compiled when the credential is read (so a
 * mistake is a field-named error before any request), and rendered with the encoding its place
 * needs: a JSON body is parsed first and values go into its strings (JSON.stringify escapes
 * them), a form body is split into fields first and each value is form-encoded.
 */
import { ConfigError } from '../errors';
import { assertHeaderName, assertHeaderValue } from '../security/headerSafety';

export const PLACEHOLDERS = ['username', 'password', 'clientId', 'clientSecret', 'apiKey', 'refreshToken'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string>>;

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;
const LIST = PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ');

/** A string with placeholders, checked: every name is known and available where it is used. */
class Text {
	readonly names: Placeholder[] = [];

	constructor(
		private readonly text: string,
		field: string,
		available: readonly Placeholder[],
	) {
		for (const [, name] of text.matchAll(PATTERN)) {
			if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
				throw new ConfigError(field, `unknown placeholder {{${name}}}`, `Use one of ${LIST} (names are case-sensitive).`);
			}
			if (!available.includes(name as Placeholder)) {
				throw new ConfigError(field, `{{${name}}} is not available here`, name === 'refreshToken' ? 'Use {{refreshToken}} only in the refresh request.' : `Fill in the credential field that {{${name}}} stands for.`);
			}
			this.names.push(name as Placeholder);
		}
		if (/\{\{|\}\}/.test(text.replace(PATTERN, ''))) {
			throw new ConfigError(field, 'has an unclosed placeholder', `Write placeholders as {{name}}, e.g. {{password}}.`);
		}
	}

	render(values: TemplateValues): string {
		return this.text.replace(PATTERN, (_, name: Placeholder) => values[name] ?? '');
	}
}

export type BodyType = 'json' | 'form' | 'none';

export interface CompiledBody {
	contentType?: string;
	render(values: TemplateValues): string | undefined;
	/** The placeholders the body uses. */
	names: Placeholder[];
}

function parseJson(text: string, field: string, example: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new ConfigError(field, `is not valid JSON (${(error as Error).message})`, `Write JSON with placeholders inside strings, e.g. ${example}.`);
	}
}

/** Compiles every string of a parsed JSON value; objects' keys stay as written. */
function compileJson(value: unknown, field: string, available: readonly Placeholder[], names: Placeholder[]): (values: TemplateValues) => unknown {
	if (typeof value === 'string') {
		const text = new Text(value, field, available);
		names.push(...text.names);
		return (values) => text.render(values);
	}
	if (Array.isArray(value)) {
		const items = value.map((item) => compileJson(item, field, available, names));
		return (values) => items.map((item) => item(values));
	}
	if (value && typeof value === 'object') {
		const entries = Object.entries(value).map(([key, item]) => [key, compileJson(item, field, available, names)] as const);
		return (values) => Object.fromEntries(entries.map(([key, item]) => [key, item(values)]));
	}
	return () => value;
}

/** Form fields as name=value pairs joined by & (or on lines), or a JSON object of fields. */
function formFields(text: string, field: string): Array<[string, string]> {
	if (text.startsWith('{')) {
		const parsed = parseJson(text, field, '{"username": "{{username}}", "password": "{{password}}"}');
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(field, 'must be a JSON object of form fields', 'Write e.g. {"username": "{{username}}"}.');
		return Object.entries(parsed).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]);
	}
	return text
		.split(/&|\r?\n/)
		.map((pair) => pair.trim())
		.filter(Boolean)
		.map((pair) => {
			const at = pair.indexOf('=');
			const [name, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
			// The template's own text may be written form-encoded (a%20b); placeholders are filled in after decoding.
			const decode = (part: string) => {
				try {
					return decodeURIComponent(part.replace(/\+/g, ' '));
				} catch {
					throw new ConfigError(field, `"${part}" has a broken %-escape`, 'Write the field plainly or with valid %XX escapes.');
				}
			};
			if (!name.trim()) throw new ConfigError(field, 'has a field without a name', 'Write name=value pairs joined by &, e.g. username={{username}}&password={{password}}.');
			return [decode(name), decode(value)];
		});
}

export function compileBody(type: BodyType, template: string | undefined, field: string, available: readonly Placeholder[]): CompiledBody {
	const text = (template ?? '').trim();
	if (type === 'none') return { render: () => undefined, names: [] };
	if (!text) throw new ConfigError(field, 'is empty', type === 'json' ? 'Enter the JSON body, e.g. {"username": "{{username}}", "password": "{{password}}"}.' : 'Enter the form fields, e.g. username={{username}}&password={{password}}.');
	const names: Placeholder[] = [];
	if (type === 'json') {
		const render = compileJson(parseJson(text, field, '{"username": "{{username}}", "password": "{{password}}"}'), field, available, names);
		return { contentType: 'application/json', names, render: (values) => JSON.stringify(render(values)) };
	}
	const fields = formFields(text, field).map(([name, value]) => {
		const compiled = new Text(value, field, available);
		names.push(...compiled.names);
		return [name, compiled] as const;
	});
	return {
		contentType: 'application/x-www-form-urlencoded',
		names,
		render: (values) => new URLSearchParams(fields.map(([name, value]): [string, string] => [name, value.render(values)])).toString(),
	};
}

export interface CompiledHeaders {
	render(values: TemplateValues): Record<string, string>;
	names: Placeholder[];
}

/** Headers as a JSON object of name → value template, e.g. {"X-API-Key": "{{apiKey}}"}. */
export function compileHeaders(template: string | undefined, field: string, available: readonly Placeholder[]): CompiledHeaders {
	const text = (template ?? '').trim();
	if (!text) return { render: () => ({}), names: [] };
	const parsed = parseJson(text, field, '{"X-API-Key": "{{apiKey}}"}');
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(field, 'must be a JSON object of header names and values', 'Write e.g. {"X-API-Key": "{{apiKey}}"}.');
	const names: Placeholder[] = [];
	const headers = Object.entries(parsed).map(([name, value]) => {
		assertHeaderName(name, field);
		if (typeof value !== 'string') throw new ConfigError(field, `the value of "${name}" is not a string`, 'Write every header value in quotes.');
		const compiled = new Text(value, field, available);
		names.push(...compiled.names);
		return [name, compiled] as const;
	});
	return {
		names,
		render: (values) => Object.fromEntries(headers.map(([name, value]) => {
			const rendered = value.render(values);
			assertHeaderValue(rendered, field);
			return [name, rendered];
		})),
	};
}
