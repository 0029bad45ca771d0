import { besideLoadFault, besideLoadSpec } from './beside-load';

const URL = 'postgres://127.0.0.1/chat_bench';

describe('besideLoadSpec', () => {
  it("replays the chat step's inserts per second and rows per insert", () => {
    const spec = besideLoadSpec(URL, {
      inserts: 4_400,
      stored: 12_800,
      durationMs: 8_000,
      chatServerCpu: 0.45,
      baselineServerCpu: 0.25,
    });
    expect(spec.databaseUrl).toBe(URL);
    expect(spec.statementsPerSecond).toBe(550);
    expect(spec.rowsPerStatement).toBeCloseTo(12_800 / 4_400);
    // The chat server's CPU beyond the baseline's, which runs its own step beside this load.
    expect(spec.cpuShare).toBeCloseTo(0.2);
  });

  it('burns no CPU when the chat server spent less than the baseline, and inserts nothing when it did not', () => {
    const spec = besideLoadSpec(URL, {
      inserts: 0,
      stored: 0,
      durationMs: 1_000,
      chatServerCpu: 0.2,
      baselineServerCpu: 0.3,
    });
    expect(spec).toMatchObject({ statementsPerSecond: 0, rowsPerStatement: 0, cpuShare: 0 });
  });
});

describe('besideLoadFault', () => {
  const totals = { due: 1_000, statements: 950, rows: 2_800, failed: 0, cpuSeconds: 1.6 };

  it('takes a load that kept its rate for the load asked', () => {
    expect(besideLoadFault(totals)).toBeNull();
  });

  it('refuses a load that fell behind its rate, or whose inserts failed', () => {
    expect(besideLoadFault({ ...totals, statements: 899 })).toBe(
      'the inserts beside the baseline fell behind: 899 of 1000 due',
    );
    expect(besideLoadFault({ ...totals, failed: 1 })).toBe(
      '1 of the inserts beside the baseline failed',
    );
  });
});
