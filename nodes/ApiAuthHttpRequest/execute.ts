/**
 * execute(): orchestration only. Per run: read the credential once into a session, and the options
 * that shape the run (items in flight, proxy) from the first item. Per item, in bounded parallel and
 * in input order: parameters and options → request → performRequest (retries, pagination, shaping)
 * → output items with pairedItem.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { clock } from '../../lib/clock';
import { mapInOrder } from '../../lib/concurrency';
import { buildRequest } from '../../lib/request/build';
import { performRequest } from '../../lib/request/perform';
import { SecretRegistry } from '../../lib/security/secretRegistry';
import { type AuthSession, openSession } from '../../lib/session';
import { type CoreServices, type Logger, redactingLogger } from '../../lib/services';
import { errorItemJson, toNodeError } from './errors';
import { ItemParameters } from './itemParameters';
import { type ItemOptions, type RunOptions, readItemOptions, readRequestSpec, readRunOptions } from './parameters';

interface RunContext {
	session: AuthSession;
	params: ItemParameters;
	itemOptions: (itemIndex: number) => ItemOptions;
	logger: Logger;
}

/** Item options: parsed once when they hold no expression, else for each item. */
function itemOptionsReader(params: ItemParameters): (itemIndex: number) => ItemOptions {
	if (params.varies('options')) return (itemIndex) => readItemOptions(params, itemIndex);
	let constant: ItemOptions | undefined;
	return (itemIndex) => (constant ??= readItemOptions(params, itemIndex));
}

async function runItem(ctx: IExecuteFunctions, { session, params, itemOptions, logger }: RunContext, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = itemOptions(itemIndex);
	const spec = await readRequestSpec(ctx, params, itemIndex, options.arrayFormat);
	const request = buildRequest(spec, session.connection.baseUrl);
	const trace = session.newTrace();
	const outputs = await performRequest(session, request, options, trace, logger);
	const authTrace = options.authTrace ? session.secrets.redactor.value({ ...trace }) : undefined;
	const items: INodeExecutionData[] = [];
	for (const { items: jsons, binary: file } of outputs) {
		const binary = file ? { [options.outputBinaryField]: await ctx.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType) } : undefined;
		for (const json of jsons) {
			items.push({
				json: (authTrace ? { ...json, authTrace } : json) as INodeExecutionData['json'],
				...(binary ? { binary } : {}),
				pairedItem: { item: itemIndex },
			});
		}
	}
	return items;
}

export async function executeNode(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const secrets = new SecretRegistry();
	const services: CoreServices = { clock: clock(), logger: redactingLogger(this.logger, secrets) };
	const continueOnFail = this.continueOnFail();

	const params = new ItemParameters(this);
	let session: AuthSession;
	let runOptions: RunOptions;
	try {
		const credentialType = this.getNodeParameter('authentication', 0) as string;
		const raw = await this.getCredentials(credentialType, 0);
		runOptions = readRunOptions(params);
		session = openSession(credentialType, raw, services, secrets, process.env, runOptions.proxy);
	} catch (error) {
		const failure = toNodeError(node, error, secrets.redactor);
		if (!continueOnFail) throw failure;
		return [items.map((_, item) => ({ json: errorItemJson(failure), pairedItem: { item } }))];
	}

	const run: RunContext = { session, params, itemOptions: itemOptionsReader(params), logger: services.logger };
	const results = await mapInOrder(items.length, runOptions.concurrency, async (itemIndex) => {
		try {
			return await runItem(this, run, itemIndex);
		} catch (error) {
			const failure = toNodeError(node, error, secrets.redactor, itemIndex);
			if (!continueOnFail) throw failure;
			return [{ json: errorItemJson(failure), pairedItem: { item: itemIndex } }];
		}
	});
	return [results.flat()];
}
