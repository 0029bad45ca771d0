import { poolOptions } from './pool-options';

describe('poolOptions', () => {
  const options = poolOptions({ connectTimeoutMs: 2_000, queryTimeoutMs: 5_000 });

  it('keeps idle connections open, so a burst after a lull meets no new backends', () => {
    // pg-pool reads 0 as "never close an idle connection"; left undefined it closes them at 10 s.
    expect(options.idleTimeoutMillis).toBe(0);
  });

  it('still replaces each connection after half an hour, so a failover is followed', () => {
    expect(options.maxLifetimeSeconds).toBe(1_800);
  });

  it('bounds each statement on the server and the read on the client a second later', () => {
    expect(options.statement_timeout).toBe(5_000);
    expect(options.query_timeout).toBe(6_000);
    expect(options.connectionTimeoutMillis).toBe(2_000);
  });
});
