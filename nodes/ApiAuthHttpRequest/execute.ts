/**
 * execute(): orchestration only. Per run: read the credential once into a session. Per item, in
 * bounded parallel and in input order: parameters → request → exchange → response → output item.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { clock } from '../../lib/clock';
import { mapInOrder } from '../../lib/concurrency';
import { exchange } from '../../lib/exchange';
import { buildRequest } from '../../lib/request/build';
import { assertAccepted, shapeResponse } from '../../lib/response/shape';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { type AuthSession, openSession } from '../../lib/session';
import type { CoreServices, Logger } from '../../lib/services';
import { errorItemJson, toNodeError } from './errors';
import { type NodeOptions, readOptions, readRequestSpec } from './parameters';

function redactingLogger(logger: Logger, secrets: SecretRegistry): Logger {
	const wrap = (level: keyof Logger) => (message: string, meta?: Record<string, unknown>) =>
		logger[level](secrets.redactor.text(message), meta && secrets.redactor.value(meta));
	return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

async function runItem(ctx: IExecuteFunctions, session: AuthSession, itemIndex: number, options: NodeOptions): Promise<INodeExecutionData[]> {
	const spec = await readRequestSpec(ctx, itemIndex, options.arrayFormat);
	const request = buildRequest(spec, session.connection.baseUrl);
	const trace = session.newTrace();
	const response = await exchange(
		session,
		request,
		{ timeoutMs: options.timeoutMs, followRedirects: options.followRedirects, maxRedirects: options.maxRedirects, urlField: 'URL' },
		trace,
	);
	assertAccepted(response, options, session.method.label);
	const shaped = shapeResponse(response, options);
	const redactor = session.secrets.redactor;
	// Scrub only when a secret form is present (an API echoing headers): the common case stays cheap.
	const echoed = !shaped.binary && redactor.contains(response.body.toString('utf8'));
	const headersEchoed = options.fullResponse && redactor.contains(JSON.stringify(response.headers));
	let items = echoed || headersEchoed ? redactor.value(shaped.items) : shaped.items;
	if (options.authTrace) items = items.map((json) => ({ ...json, authTrace: redactor.value({ ...trace }) }));
	const binary = shaped.binary
		? { [options.outputBinaryField]: await ctx.helpers.prepareBinaryData(shaped.binary.data, shaped.binary.fileName, shaped.binary.mimeType) }
		: undefined;
	return items.map((json) => ({ json: json as INodeExecutionData['json'], ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } }));
}

export async function executeNode(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const secrets = new SecretRegistry();
	const services: CoreServices = { clock: clock(), logger: redactingLogger(this.logger, secrets) };
	const continueOnFail = this.continueOnFail();

	let session: AuthSession;
	let options: NodeOptions;
	try {
		const credentialType = this.getNodeParameter('authentication', 0) as string;
		const raw = await this.getCredentials(credentialType, 0);
		session = openSession(credentialType, raw, services, secrets);
		options = readOptions(this, 0);
	} catch (error) {
		const failure = toNodeError(node, error, secrets.redactor);
		if (!continueOnFail) throw failure;
		return [items.map((_, item) => ({ json: errorItemJson(failure), pairedItem: { item } }))];
	}

	const results = await mapInOrder(items.length, options.concurrency, async (itemIndex) => {
		try {
			return await runItem(this, session, itemIndex, options);
		} catch (error) {
			const failure = toNodeError(node, error, secrets.redactor, itemIndex);
			if (!continueOnFail) throw failure;
			return [{ json: errorItemJson(failure), pairedItem: { item: itemIndex } }];
		}
	});
	return [results.flat()];
}
