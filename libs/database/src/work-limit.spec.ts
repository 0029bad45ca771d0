import fc from 'fast-check';
import { WorkLimit } from './work-limit';

describe('WorkLimit', () => {
  it('never runs more than its limit at once, runs everything, in order, failures included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ ticks: fc.nat(3), fails: fc.boolean() }), { maxLength: 40 }),
        async (limit, pieces) => {
          const work = new WorkLimit(limit);
          let running = 0;
          let most = 0;
          const started: number[] = [];
          const results = await Promise.allSettled(
            pieces.map(({ ticks, fails }, i) =>
              work.run(async () => {
                started.push(i);
                most = Math.max(most, ++running);
                for (let t = 0; t < ticks; t++) await Promise.resolve();
                running--;
                if (fails) throw new Error(`piece ${i}`);
                return i;
              }),
            ),
          );
          expect(most).toBeLessThanOrEqual(limit);
          expect(started).toEqual(pieces.map((_, i) => i));
          results.forEach((result, i) =>
            expect(result.status).toBe(pieces[i].fails ? 'rejected' : 'fulfilled'),
          );
        },
      ),
    );
  });
});
