import fc from 'fast-check';
import { STATUS_BURST, STATUS_REFILL_MS, StatusLimit } from './status-limit';

describe('StatusLimit', () => {
  it('lets a burst through, then one each refill, for each socket on its own', () => {
    const limit = new StatusLimit<object>();
    const [socket, other] = [{}, {}];
    for (let i = 0; i < STATUS_BURST; i++) expect(limit.take(socket, 0)).toBe(true);
    expect(limit.take(socket, 0)).toBe(false);
    expect(limit.take(other, 0)).toBe(true);
    expect(limit.take(socket, STATUS_REFILL_MS - 1)).toBe(false);
    expect(limit.take(socket, STATUS_REFILL_MS)).toBe(true);
    expect(limit.take(socket, STATUS_REFILL_MS)).toBe(false);
  });

  it('never lets through more than the burst plus one each refill since the first', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(3_000), { maxLength: 200 }), (gaps) => {
        const limit = new StatusLimit<object>();
        const socket = {};
        let now = 0;
        let passed = 0;
        for (const gap of gaps) {
          now += gap;
          if (limit.take(socket, now)) passed++;
          expect(passed).toBeLessThanOrEqual(STATUS_BURST + Math.floor(now / STATUS_REFILL_MS));
        }
      }),
    );
  });
});
