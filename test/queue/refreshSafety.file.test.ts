/** Refresh safety at the edges with the file store coordinating 4 worker processes: see refreshSafety.ts. */
import { refreshSafetySuite } from './refreshSafety';

jest.setTimeout(120_000);

describe('file store', () => refreshSafetySuite('file'));
