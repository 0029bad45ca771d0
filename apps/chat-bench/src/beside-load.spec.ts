import { besideLoadFault, besideLoadSpec } from './beside-load';

const URL = 'postgres://127.0.0.1/chat_bench';

describe('besideLoadSpec', () => {
  it("replays the chat step's inserts per second of its sending phase and rows per insert", () => {
    const spec = besideLoadSpec(URL, {
      inserts: 4_400,
      stored: 12_800,
      seconds: 8.8,
      chatServerCpu: 0.45,
      baselineServerCpu: 0.25,
    });
    expect(spec.databaseUrl).toBe(URL);
    expect(spec.statementsPerSecond).toBeCloseTo(500);
    expect(spec.rowsPerStatement).toBeCloseTo(12_800 / 4_400);
    // The chat server's CPU beyond the baseline's, which runs its own step beside this load.
    expect(spec.cpuShare).toBeCloseTo(0.2);
  });

  it('burns no CPU when the chat server spent less than the baseline, and inserts nothing when it did not', () => {
    const spec = besideLoadSpec(URL, {
      inserts: 0,
      stored: 0,
      seconds: 1,
      chatServerCpu: 0.2,
      baselineServerCpu: 0.3,
    });
    expect(spec).toMatchObject({ statementsPerSecond: 0, rowsPerStatement: 0, cpuShare: 0 });
  });
});

describe('besideLoadFault', () => {
  const spec = { databaseUrl: URL, statementsPerSecond: 100, rowsPerStatement: 3, cpuShare: 0.2 };
  // 10 s at 100 a second, and 19% of a core: within a tenth of what was asked.
  const totals = {
    due: 1_000,
    statements: 950,
    failed: 0,
    cpuSeconds: 1.9,
    seconds: 10,
  };

  it('takes a load that kept its rate and its CPU for the load asked', () => {
    expect(besideLoadFault(spec, totals)).toBeNull();
    expect(besideLoadFault({ ...spec, cpuShare: 0 }, { ...totals, cpuSeconds: 0.1 })).toBeNull();
  });

  it('refuses a load whose inserts fell behind or failed, or that burnt too little CPU', () => {
    expect(besideLoadFault(spec, { ...totals, statements: 899 })).toBe(
      'its inserts fell behind: 899 of 1000 due',
    );
    expect(besideLoadFault(spec, { ...totals, failed: 1 })).toBe('1 of its inserts failed');
    expect(besideLoadFault(spec, { ...totals, cpuSeconds: 1.7 })).toBe(
      'it kept 17% of a core busy, not 20%',
    );
  });
});
