/**
 * A V8 CPU profile (.cpuprofile, from --cpu-prof or the inspector) → self time by where the code
 * lives. A sample counts for the innermost frame that has a script; native and builtin frames
 * (JSON.parse, isolated-vm's synchronous calls into the expression isolate) count for the script
 * that called them, so time inside the isolate lands under the expression engine's caller.
 * Run directly: profileSplit.ts <file.cpuprofile>.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string };
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

export const PARTS = ['n8n engine', 'expression isolate', 'package', 'axios', 'Node HTTP and streams', 'garbage collector', 'other'] as const;
export type Part = (typeof PARTS)[number];

const EXPRESSION = /node_modules\/(@n8n\/expression-runtime|@n8n\/tournament|isolated-vm|quickjs-emscripten[^/]*)\/|n8n-workflow\/dist\/cjs\/(expression|workflow-data-proxy|extensions\/|expression-sandboxing|expression-evaluator-proxy)/;
const ENGINE = /node_modules\/(n8n-core|n8n-workflow|@n8n\/[^/]+)\//;
const AXIOS = /node_modules\/(axios|follow-redirects|form-data|proxy-from-env)\//;

/** Where one script belongs; undefined for a frame without a script (native, builtin, V8's own). */
export function partOf(url: string, functionName: string): Part | undefined {
	if (functionName === '(garbage collector)') return 'garbage collector';
	if (!url) return undefined;
	if (url === 'node:inspector') return 'other';
	if (EXPRESSION.test(url)) return 'expression isolate';
	if (AXIOS.test(url)) return 'axios';
	if (ENGINE.test(url)) return 'n8n engine';
	if (url.startsWith('node:')) return 'Node HTTP and streams';
	if (/\/dist\/(nodes|lib|credentials)\//.test(url) && !url.includes('node_modules')) return 'package';
	return 'other';
}

/** Self time in microseconds per part; idle time is left out. */
export function splitProfile(profile: CpuProfile): Map<Part, number> {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
	const partCache = new Map<number, Part>();
	const attribute = (id: number): Part => {
		const cached = partCache.get(id);
		if (cached) return cached;
		const node = byId.get(id) as ProfileNode;
		const { url, functionName } = node.callFrame;
		let part: Part;
		if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') part = 'other';
		else part = partOf(url, functionName) ?? (parent.has(id) ? attribute(parent.get(id) as number) : 'other');
		partCache.set(id, part);
		return part;
	};
	const totals = new Map<Part, number>(PARTS.map((p) => [p, 0]));
	profile.samples.forEach((id, i) => {
		if ((byId.get(id) as ProfileNode).callFrame.functionName === '(idle)') return;
		const part = attribute(id);
		totals.set(part, (totals.get(part) ?? 0) + profile.timeDeltas[i]);
	});
	return totals;
}

export function formatSplit(totals: Map<Part, number>, requests?: number): string {
	const busy = [...totals.values()].reduce((a, b) => a + b, 0);
	const rows = PARTS.map((p) => {
		const us = totals.get(p) ?? 0;
		const perRequest = requests ? `  ${(us / requests).toFixed(0).padStart(5)} µs/request` : '';
		return `  ${p.padEnd(24)} ${((100 * us) / busy).toFixed(1).padStart(5)} %${perRequest}`;
	});
	return [...rows, `  ${'busy (not idle)'.padEnd(24)} ${(busy / 1e6).toFixed(2)} s${requests ? `, ${(busy / requests).toFixed(0)} µs/request` : ''}`].join('\n');
}

if (require.main === module) {
	const file = process.argv[2];
	if (!file) throw new Error('Usage: profileSplit.ts <file.cpuprofile> [requests]');
	const requests = process.argv[3] ? Number(process.argv[3]) : undefined;
	console.log(formatSplit(splitProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), requests));
}
