/**
 * The expression engine the benchmark runs under, chosen as n8n 2.40.7 chooses it: the
 * N8N_EXPRESSION_ENGINE setting (`vm`, `quickjs` or `legacy`; n8n's default is `vm`, isolated-vm),
 * set up once at start with n8n's default pool and limits (its base command calls
 * Expression.initExpressionEngine; WorkflowExecute then acquires an isolate per execution).
 * isolated-vm needs Node 24 (it is n8n 2.x's minimum), so on an older Node only `legacy` can run:
 * that is what the harness uses there, and the output says so.
 */
import { Expression } from 'n8n-workflow';

export type EngineName = 'legacy' | 'vm' | 'quickjs';

/** n8n 2.40.7's defaults (@n8n/config ExpressionEngineConfig). */
const N8N_DEFAULTS = { poolSize: 1, maxCodeCacheSize: 1024, bridgeTimeout: 5_000, bridgeMemoryLimit: 128 };

const nodeMajor = (): number => Number(process.versions.node.split('.')[0]);

function wantedEngine(): EngineName {
	const configured = process.env.N8N_EXPRESSION_ENGINE;
	if (configured === 'legacy' || configured === 'vm' || configured === 'quickjs') return configured;
	if (configured) throw new Error(`N8N_EXPRESSION_ENGINE="${configured}": use legacy, vm or quickjs, as n8n accepts.`);
	return nodeMajor() >= 24 ? 'vm' : 'legacy';
}

/** Starts the engine and returns how to name it in the output. */
export async function startExpressionEngine(): Promise<string> {
	const engine = wantedEngine();
	if (engine === 'legacy') {
		Expression.setExpressionEngine('legacy');
		const why = nodeMajor() >= 24 ? 'set by N8N_EXPRESSION_ENGINE' : 'isolated-vm, n8n\'s default, needs Node 24';
		return `legacy (n8n-workflow in this process; ${why})`;
	}
	if (nodeMajor() < 24) throw new Error(`The ${engine} expression engine needs Node 24 (isolated-vm); run the bench with Node 24 or N8N_EXPRESSION_ENGINE=legacy.`);
	await Expression.initExpressionEngine({ engine, ...N8N_DEFAULTS });
	if (Expression.getActiveImplementation() !== engine) throw new Error(`The ${engine} expression engine did not start.`);
	return engine === 'vm' ? 'vm (isolated-vm, n8n\'s default), n8n\'s default pool and limits' : 'quickjs';
}

export async function stopExpressionEngine(): Promise<void> {
	await Expression.disposeExpressionEngine();
}
