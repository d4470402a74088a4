/**
 * Per-item parameter reads, cheap for the common case: a parameter whose stored value holds no
 * expression has one value for every item, so it is resolved once per run and then reused.
 * Values handed out may be shared between items: callers must not change them.
 */
import type { IExecuteFunctions, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

export class ItemParameters {
	private readonly stored: INodeParameters;
	private readonly constants = new Map<string, unknown>();

	constructor(private readonly ctx: IExecuteFunctions) {
		this.stored = ctx.getNode().parameters;
	}

	/** Whether the parameter holds an expression, so its value may differ from item to item. */
	varies(name: string): boolean {
		return hasExpression(this.stored[name]);
	}

	get<T>(name: string, itemIndex: number, fallback: T): T {
		if (this.constants.has(name)) return this.constants.get(name) as T;
		const value = this.ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType) as T;
		if (!this.varies(name)) this.constants.set(name, value);
		return value;
	}
}
