import { clearTransits, recentTransit, recordTransit } from '../../lib/tokens/transit';

beforeEach(() => clearTransits());

it('keeps the worst transit of the last 15 to 30 seconds, per key', () => {
	expect(recentTransit('k', 0)).toBe(0);
	recordTransit('k', 120, 0);
	recordTransit('k', 40, 1_000);
	recordTransit('other', 900, 1_000);
	expect(recentTransit('k', 2_000)).toBe(120);
	// A new period: the previous one's worst still counts.
	recordTransit('k', 30, 15_500);
	expect(recentTransit('k', 16_000)).toBe(120);
	// Once a whole period passes without it, it is forgotten.
	expect(recentTransit('k', 31_000)).toBe(30);
	expect(recentTransit('k', 47_000)).toBe(0);
	expect(recentTransit('other', 2_000)).toBe(900);
});

it('a stall raises it at once', () => {
	recordTransit('k', 20, 0);
	recordTransit('k', 1_400, 100);
	expect(recentTransit('k', 100)).toBe(1_400);
});
