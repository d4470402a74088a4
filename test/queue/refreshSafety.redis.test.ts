/** Refresh safety at the edges with the redis store coordinating 4 worker processes: see refreshSafety.ts. */
import { refreshSafetySuite } from './refreshSafety';

jest.setTimeout(120_000);

describe('redis store', () => refreshSafetySuite('redis'));
