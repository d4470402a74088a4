/**
 * One n8n worker of the multi-process tests, started by processes.ts: it runs workflows through
 * n8n's real engine with the built package when the test process asks (over IPC), and answers
 * with the node's output as JSON. Its token store is whatever its environment selects, as in a
 * real worker: encrypted files in the n8n folder it shares with the others, or Redis.
 * It can be killed at any moment (kill -9) by the test.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { distClock, distStore, distTokens } from './dist';
import { runWorkflow } from './engine';
import type { WorkerCommand, WorkerMessage } from './processes';

function send(message: WorkerMessage): void {
	process.send?.(message);
}

// The package logs through n8n's logger: forward it, so tests can read what a worker logged.
const forward = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string) => send({ type: 'log', level, message });
Container.set(Logger, { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error'), scoped: () => Container.get(Logger) } as unknown as Logger);

// The package's clock, faster than real time when the test asks (back-off schedules without
// waiting): every worker of a test shares its epoch and rate, so they agree on the time.
const rate = Number(process.env.TEST_CLOCK_RATE ?? 1);
if (rate !== 1) {
	const epoch = Number(process.env.TEST_CLOCK_EPOCH);
	distClock.useClock({
		now: () => epoch + (Date.now() - epoch) * rate,
		sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / rate)),
	});
}

// How late this worker's event loop ran (the soak allows for it when it times renewals).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

async function handle(command: WorkerCommand): Promise<void> {
	switch (command.type) {
		case 'run': {
			const started = Date.now();
			try {
				const { output, error } = await runWorkflow(command.options);
				send({
					type: 'result',
					id: command.id,
					result: {
						items: output.map((item) => item.json),
						error: error ? { message: error.message, description: (error as { description?: string }).description ?? undefined } : undefined,
						ms: Date.now() - started,
					},
				});
			} catch (error) {
				send({ type: 'result', id: command.id, result: { items: [], error: { message: `the engine threw: ${(error as Error).message}` }, ms: Date.now() - started } });
			}
			return;
		}
		case 'idle':
			await distTokens.whenIdle();
			send({ type: 'idle', id: command.id });
			return;
		case 'stats': {
			const resources: Record<string, number> = {};
			for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
			send({ type: 'stats', id: command.id, stats: { rssBytes: process.memoryUsage.rss(), resources, loopDelayMaxMs: loopDelay.max / 1e6 } });
			loopDelay.reset();
			return;
		}
		case 'exit':
			// Closes the Redis connection, which would otherwise keep the process alive.
			await distStore.resetTokenStore();
			process.exit(0);
	}
}

process.on('message', (command: WorkerCommand) => void handle(command));
send({ type: 'ready' });
