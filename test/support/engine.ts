/**
 * A small harness that runs workflows through n8n's real engine (n8n-core's WorkflowExecute),
 * with this package loaded from its built files the way n8n loads community packages
 * (PackageDirectoryLoader reads the n8n section of package.json).
 */
import { ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import {
	type ICredentialTestFunctions,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsHelper,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';
import { join } from 'node:path';
import { assertBuildIsFresh } from './builtPackage';

assertBuildIsFresh();

export const PACKAGE_ROOT = join(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-api-auth';
export const NODE_TYPE = `${PACKAGE_NAME}.apiAuthHttpRequest`;
const ITEMS_NODE_TYPE = 'test.items';
/** n8n's own HTTP Request node (n8n-nodes-base, the version n8n 2.40.7 pins), for side-by-side benchmarks. */
export const N8N_HTTP_REQUEST = { type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2 };

/** A file for an input item: `{ $binary: { data: { base64, mimeType, fileName } } }` in the item's JSON. */
export interface TestFile {
	base64: string;
	mimeType: string;
	fileName?: string;
}

/**
 * Emits the items given in its parameter: the start of every test workflow. An item's `$binary`
 * entry becomes its binary data (stored the way n8n stores files), the rest its JSON.
 */
class ItemsNode implements INodeType {
	description = {
		displayName: 'Items',
		name: 'items',
		group: ['input'],
		version: 1,
		description: 'Test source of items',
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' } as INodeProperties],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = typeof raw === 'string' ? (JSON.parse(raw) as IDataObject[]) : raw;
		const output: INodeExecutionData[] = [];
		for (const { $binary, ...json } of items) {
			const item: INodeExecutionData = { json };
			if ($binary) {
				item.binary = {};
				for (const [property, file] of Object.entries($binary as Record<string, TestFile>)) {
					item.binary[property] = await this.helpers.prepareBinaryData(Buffer.from(file.base64, 'base64'), file.fileName, file.mimeType);
				}
			}
			output.push(item);
		}
		return [output];
	}
}

let loaderPromise: Promise<PackageDirectoryLoader> | undefined;
let n8nHttpRequest: IVersionedNodeType | undefined;

export async function loadPackage(): Promise<PackageDirectoryLoader> {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		return loader;
	})();
	return await loaderPromise;
}

async function nodeTypes(extra?: RunOptions['node']): Promise<INodeTypes> {
	const loader = await loadPackage();
	const all: Record<string, INodeType | IVersionedNodeType> = { [ITEMS_NODE_TYPE]: new ItemsNode() };
	if (extra?.implementation) all[extra.type] = extra.implementation;
	for (const [name, data] of Object.entries(loader.nodeTypes)) all[`${PACKAGE_NAME}.${name}`] = data.type;
	Object.defineProperty(all, N8N_HTTP_REQUEST.type, {
		enumerable: true,
		// Loaded only when a workflow asks for it (the benchmark): n8n-nodes-base is large.
		get: () => {
			const { HttpRequest } = require('n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node') as { HttpRequest: new () => IVersionedNodeType };
			n8nHttpRequest ??= new HttpRequest();
			return n8nHttpRequest;
		},
	});
	return {
		getByName: (type) => all[type],
		getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(all[type], version),
		getKnownTypes: () => ({}),
	};
}

/** Credentials by id, as the real n8n would decrypt them; records every write-back. */
export class TestCredentialsHelper implements ICredentialsHelper {
	readonly updates: Array<{ id: string; type: string; data: ICredentialDataDecryptedObject }> = [];
	/** A wait on every credential lookup, as n8n's database query and decryption add in the real app. */
	lookupDelayMs = 0;

	constructor(readonly store: Map<string, { type: string; data: ICredentialDataDecryptedObject }>) {}

	getParentTypes(name: string): string[] {
		return name === 'apiAuthOAuth2Connect' ? ['oAuth2Api'] : [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(_c: ICredentialDataDecryptedObject, _t: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return requestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(_a: IWorkflowExecuteAdditionalData, details: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
		if (this.lookupDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lookupDelayMs));
		const entry = this.store.get(details.id ?? '');
		if (!entry || entry.type !== type) throw new Error(`Test credential ${details.id} of type ${type} not found`);
		return structuredClone(entry.data);
	}

	async updateCredentials(details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.updates.push({ id: details.id ?? '', type, data });
		this.store.set(details.id ?? '', { type, data });
	}

	async updateCredentialsOauthTokenData(details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		await this.updateCredentials(details, type, data);
	}

	getCredentialsProperties(): INodeProperties[] {
		return [];
	}
}

export interface RunOptions {
	/** Parameters of the node under test. */
	parameters: Record<string, unknown>;
	/** The credential the node uses: its type and decrypted data. */
	credential: { type: string; data: Record<string, unknown> };
	/** Input items (default: one empty item). */
	items?: IDataObject[];
	/** Node settings, e.g. { continueOnFail: true } or { onError: 'continueRegularOutput' }. */
	settings?: Partial<INode>;
	helper?: TestCredentialsHelper;
	/** Another node type under test instead of the package's node (e.g. N8N_HTTP_REQUEST), or one given here (a benchmark's baseline). */
	node?: { type: string; typeVersion: number; implementation?: INodeType };
}

export interface RunResult {
	run: IRun;
	/** Output items of the node under test (first output). */
	output: INodeExecutionData[];
	/** The workflow's error, if it failed. */
	error: IRun['data']['resultData']['error'];
	helper: TestCredentialsHelper;
}

const CREDENTIAL_ID = 'cred-1';
export const NODE_NAME = 'Request';

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const helper = options.helper ?? new TestCredentialsHelper(new Map());
	helper.store.set(CREDENTIAL_ID, { type: options.credential.type, data: structuredClone(options.credential.data) as ICredentialDataDecryptedObject });
	const nodes: INode[] = [
		{
			id: 'items',
			name: 'Items',
			type: ITEMS_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		},
		{
			id: 'request',
			name: NODE_NAME,
			type: options.node?.type ?? NODE_TYPE,
			typeVersion: options.node?.typeVersion ?? 1,
			position: [200, 0],
			parameters: structuredClone({ authentication: options.credential.type, ...options.parameters }) as INode['parameters'],
			credentials: { [options.credential.type]: { id: CREDENTIAL_ID, name: 'Test credential' } },
			...options.settings,
		},
	];
	const workflow = new Workflow({
		id: 'wf-1',
		name: 'Test',
		nodes,
		connections: { Items: { main: [[{ node: NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]] } },
		active: false,
		nodeTypes: await nodeTypes(options.node),
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-1', { id: 'wf-1', name: 'Test', nodes, connections: {}, active: false, settings: {}, createdAt: new Date(), updatedAt: new Date(), activeVersionId: null } as never);
	const additionalData = {
		credentialsHelper: helper,
		hooks,
		executeWorkflow: async () => {
			throw new Error('not supported in tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('not supported in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const run = await new WorkflowExecute(additionalData, 'manual').run({ workflow, startNode: workflow.getNode('Items') ?? undefined });
	const output = run.data.resultData.runData[NODE_NAME]?.[0]?.data?.main?.[0] ?? [];
	return { run, output, error: run.data.resultData.error, helper };
}

/** Captures what n8n's logger receives (the node logs through it) until the returned function is called. */
export function captureLogs(): { lines: string[]; stop(): void } {
	const { Container } = require('@n8n/di') as typeof import('@n8n/di');
	const { Logger } = require('@n8n/backend-common') as typeof import('@n8n/backend-common');
	const logger = Container.get(Logger);
	const lines: string[] = [];
	const spies = (['error', 'warn', 'info', 'debug'] as const).map((level) =>
		jest.spyOn(logger, level).mockImplementation((message: string, meta?: unknown) => {
			lines.push(`${level}: ${message} ${meta === undefined ? '' : JSON.stringify(meta)}`);
		}),
	);
	return { lines, stop: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** The editor's Test button: the node's credentialTest method, called as n8n calls it. */
export async function pressTest(type: string, data: Record<string, unknown>, logs: string[] = []): Promise<{ status: string; message: string }> {
	const loader = await loadPackage();
	const node = loader.nodeTypes.apiAuthHttpRequest.type as INodeType;
	// What the Test path logs through the context n8n gives it goes into `logs`.
	const log = (level: string) => (message: string, meta?: unknown) => void logs.push(`${level}: ${message} ${meta === undefined ? '' : JSON.stringify(meta)}`);
	const context = { logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }, helpers: {} } as unknown as ICredentialTestFunctions;
	const fn = node.methods?.credentialTest?.apiAuthCredentialTest as (this: ICredentialTestFunctions, c: unknown) => Promise<{ status: string; message: string }>;
	return await fn.call(context, { id: 'c', name: 'c', type, data });
}
