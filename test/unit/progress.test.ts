/** Long first-start steps print a line at least every 15 s, and stop printing when they end. */
import { withProgress } from '../../scripts/support/processes';

it('logs "still …" every 15 s while the step runs, and nothing after it ended', async () => {
	jest.useFakeTimers();
	try {
		const lines: string[] = [];
		let finish: () => void = () => {};
		const running = withProgress('installing n8n', (line) => lines.push(line), () => new Promise<void>((resolve) => (finish = resolve)));
		await jest.advanceTimersByTimeAsync(14_999);
		expect(lines).toEqual([]);
		await jest.advanceTimersByTimeAsync(31_000);
		expect(lines).toEqual(['  … still installing n8n (15 s so far)', '  … still installing n8n (30 s so far)', '  … still installing n8n (45 s so far)']);
		finish();
		await running;
		await jest.advanceTimersByTimeAsync(60_000);
		expect(lines).toHaveLength(3);
	} finally {
		jest.useRealTimers();
	}
});
