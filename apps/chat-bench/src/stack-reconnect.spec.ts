import { recoveryFigures } from './stack-reconnect';

describe('recovery figures', () => {
  it('times each socket from the kill, counts retries, and leaves out the ones not back', () => {
    const figures = recoveryFigures(
      [
        { droppedAt: 1_001, recoveredAt: 1_300, attempts: 1 },
        { droppedAt: 1_002, recoveredAt: 1_100, attempts: 1 },
        { droppedAt: 1_002, recoveredAt: 2_500, attempts: 3 },
        { droppedAt: 1_003, attempts: 12 },
      ],
      1_000,
    );
    expect(figures).toEqual({
      dropped: 4,
      recovered: 3,
      p50Ms: 300,
      p99Ms: 1_500,
      maxMs: 1_500,
      retries: 2 + 11,
    });
  });
});
