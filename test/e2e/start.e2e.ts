/**
 * `npm start` against the real thing (Node 24, n8n 2.40.7 from the cache, the demo API): stopping
 * it by SIGINT or SIGTERM to the npm process, or killing its start script with SIGKILL, leaves no
 * process of the run alive within 15 s, asserted by PID (the npm process, the start script, n8n,
 * its task runner; the demo API runs inside the start script); a start after a SIGKILLed one
 * comes up; and a credential a user made against the demo API (through n8n's REST API, as the
 * editor does) still works after a restart. Own ports (30, 40 and 41 above N8N_API_AUTH_E2E_PORT)
 * and a user folder of its own, so it runs beside everything else. A start builds the package
 * first (as `npm start` does): a minute or two on a busy machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SECRETS } from '../../scripts/demo/api';
import { DEMO_CASES, type DemoCase, demoWorkflow, REQUEST_NAME } from '../../scripts/demo/fixtures';
import type { N8nSite } from '../../scripts/n8n/environment';
import { DEMO_OWNER } from '../../scripts/n8n/owner';
import { packageRoot } from '../../scripts/support/packageRoot';
import { e2eContext } from './support/context';
import { execute } from './support/execute';
import { signInRest } from './support/n8nRest';

jest.setTimeout(600_000);

const folder = mkdtempSync(join(tmpdir(), 'n8n-api-auth-start-'));
/** Beside the suite's n8n (its port and the next two): n8n and its broker, the demo API and its OAuth2 server. */
const E2E_PORT = Number(process.env.N8N_API_AUTH_E2E_PORT ?? 5690);
const PORTS = { n8n: E2E_PORT + 30, api: E2E_PORT + 40, oauth: E2E_PORT + 41 };
const N8N_URL = `http://localhost:${PORTS.n8n}`;
const ENV = {
	...process.env,
	N8N_API_AUTH_PORT: String(PORTS.n8n),
	N8N_API_AUTH_DEMO_API_PORT: String(PORTS.api),
	N8N_API_AUTH_DEMO_OAUTH_PORT: String(PORTS.oauth),
	N8N_API_AUTH_DEMO_FOLDER: folder,
};

interface Proc {
	pid: number;
	ppid: number;
	pgrp: number;
	state: string;
}

function processes(): Proc[] {
	const list: Proc[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			// The command name (field 2) is in parentheses and may hold spaces: read after the last ')'.
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			list.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp), state });
		} catch {
			// Ended while listed.
		}
	}
	return list;
}

/** The run's PIDs: the npm process and its descendants, and every process in n8n's group (its task runner). */
function runPids(npmPid: number, n8nPid: number): number[] {
	const all = processes();
	const pids = new Set([npmPid]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const p of all) if (pids.has(p.ppid) && !pids.has(p.pid)) pids.add(p.pid), (grew = true);
	}
	for (const p of all) if (p.pgrp === n8nPid) pids.add(p.pid);
	return [...pids];
}

/** Alive: listed and not a zombie (a zombie runs nothing; this test's own child stays one until reaped). */
function alive(pids: number[]): number[] {
	const live = new Set(processes().filter((p) => p.state !== 'Z').map((p) => p.pid));
	return pids.filter((pid) => live.has(pid));
}

function readFileOr(file: string): string {
	try {
		return readFileSync(file, 'utf8').trim();
	} catch {
		return '';
	}
}

/** Whatever a failing test left: killed, so it leaves nothing either. */
const started: ChildProcess[] = [];
afterAll(() => {
	for (const child of started) if (child.pid && alive([child.pid]).length) child.kill('SIGKILL');
	const n8nPid = Number(readFileOr(join(folder, 'n8n.pid')));
	try {
		if (n8nPid > 1) process.kill(-n8nPid, 'SIGKILL');
	} catch {
		// Gone already, as it should be.
	}
	rmSync(folder, { recursive: true, force: true });
});

/** `npm start` until it prints the login, with the PIDs of the run. */
async function start(): Promise<{ npm: ChildProcess; pids: number[]; script: number; n8n: number; output: () => string }> {
	const npm = spawn('npm', ['start'], { cwd: packageRoot(), env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
	started.push(npm);
	let output = '';
	npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const t0 = Date.now();
	while (!output.includes('Log in with')) {
		if (npm.exitCode !== null || Date.now() - t0 > 420_000) throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	console.log(`npm start: up after ${Math.round((Date.now() - t0) / 1000)} s`);
	const n8n = Number(readFileOr(join(folder, 'n8n.pid')));
	const pids = runPids(npm.pid as number, n8n);
	const script = processes().find((p) => pids.includes(p.pid) && readFileOr(`/proc/${p.pid}/cmdline`).includes('scripts/start.js'))?.pid ?? 0;
	return { npm, pids, script, n8n, output: () => output };
}

/** Seconds until none of `pids` is alive (Infinity if some still are after `limitS`). */
async function secondsUntilGone(pids: number[], limitS = 15): Promise<number> {
	const t0 = Date.now();
	while (alive(pids).length > 0) {
		if (Date.now() - t0 > limitS * 1000) return Infinity;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return (Date.now() - t0) / 1000;
}

/** The run as the checks expect it: npm, the start script, n8n and its task runner (a process of n8n's group other than n8n). */
function expectWholeRun(run: Awaited<ReturnType<typeof start>>): void {
	expect(run.n8n).toBeGreaterThan(1);
	expect(run.script).toBeGreaterThan(1);
	expect(run.pids).toEqual(expect.arrayContaining([run.npm.pid, run.script, run.n8n]));
	expect(run.pids.filter((pid) => pid !== run.n8n && processes().find((p) => p.pid === pid)?.pgrp === run.n8n).length).toBeGreaterThan(0);
}

/** `signal` to the npm process: no process of the run may be alive 15 s later. */
async function stopByNpm(run: Awaited<ReturnType<typeof start>>, signal: NodeJS.Signals): Promise<void> {
	process.kill(run.npm.pid as number, signal);
	const seconds = await secondsUntilGone(run.pids);
	console.log(`${signal}: no process of the run left after ${seconds.toFixed(1)} s`);
	expect({ seconds: seconds <= 15, alive: alive(run.pids) }).toEqual({ seconds: true, alive: [] });
}

it('SIGINT to the npm process leaves no process of the run alive within 15 s', async () => {
	const run = await start();
	expectWholeRun(run);
	await stopByNpm(run, 'SIGINT');
});

describe('SIGTERM to the npm process, then npm start again', () => {
	const bearer = DEMO_CASES.find((c) => c.key === 'bearer') as DemoCase;
	const site = (): N8nSite => ({ runtime: e2eContext().site.runtime, userFolder: folder, port: PORTS.n8n });
	/** The demo API's origin as the start printed it, which is what a user copies. */
	const demoApiUrl = (output: string) => /Demo API: (https:\/\/\S+)/.exec(output)?.[1] ?? '';
	const ordersOf = async (workflowId: string) => {
		const run = await execute(workflowId, site());
		expect(run.data.resultData.error).toBeUndefined();
		return run.data.resultData.runData[REQUEST_NAME][0].data.main[0][0].json;
	};

	// One test: each start builds the package and starts n8n, minutes on a busy machine.
	it('SIGTERM leaves no process of the run alive within 15 s; a credential the user made works before and after (same ports, same CA)', async () => {
		const first = await start();
		expectWholeRun(first);
		const apiUrl = demoApiUrl(first.output());
		expect(apiUrl).toBe(`https://127.0.0.1:${PORTS.api}`);
		// As a user would: the owner's session, the CA file the README names, the demo's bearer token.
		const rest = await signInRest(N8N_URL, DEMO_OWNER);
		const data = { token: DEMO_SECRETS.bearerToken, headerPrefix: 'Bearer', baseUrl: `${apiUrl}/bearer`, useCustomTls: true, tlsCa: readFileSync(join(folder, 'pki', 'ca.pem'), 'utf8') };
		const credential = await rest.post<{ id: string; name: string }>('/rest/credentials', { name: 'My bearer token', type: bearer.credentialType, data });
		const workflow = await rest.post<{ id: string }>('/rest/workflows', {
			...demoWorkflow({ ...bearer, credentialId: credential.id, credentialName: credential.name }),
			id: undefined,
			name: 'My orders',
		});
		expect(await ordersOf(workflow.id)).toMatchObject({ ok: true, ...bearer.expect });
		await stopByNpm(first, 'SIGTERM');

		const second = await start();
		expect(demoApiUrl(second.output())).toBe(apiUrl);
		expect(await ordersOf(workflow.id)).toMatchObject({ ok: true, ...bearer.expect });
		await stopByNpm(second, 'SIGTERM');
	});
});

it('a SIGKILLed start script leaves none within 15 s, and the next start comes up', async () => {
	const run = await start();
	process.kill(run.script, 'SIGKILL');
	const seconds = await secondsUntilGone(run.pids);
	console.log(`SIGKILL of the start script: no process of the run left after ${seconds.toFixed(1)} s`);
	expect({ seconds: seconds <= 15, alive: alive(run.pids) }).toEqual({ seconds: true, alive: [] });

	const next = await start();
	expect(next.output()).toContain(`n8n with n8n-nodes-api-auth: ${N8N_URL}`);
	const ready = await fetch(`${N8N_URL}/healthz/readiness`);
	expect(ready.status).toBe(200);
	await stopByNpm(next, 'SIGTERM');
});
