import fc from 'fast-check';
import { decodeSearchCursor, encodeSearchCursor, SearchCursor } from './search-cursor';

const cursors: fc.Arbitrary<SearchCursor> = fc.record(
  {
    scope: fc.constantFrom('all' as const, 'room' as const),
    bound: fc.maxSafeNat(),
    after: fc.record({
      rank: fc.float({ noNaN: true, noDefaultInfinity: true }),
      id: fc.maxSafeNat(),
    }),
  },
  { requiredKeys: ['scope', 'bound'] },
);

describe('search cursors', () => {
  it('read back as the cursor written', () => {
    fc.assert(
      fc.property(cursors, (cursor) => {
        const read = decodeSearchCursor(encodeSearchCursor(cursor));
        expect(read).toEqual({
          ...cursor,
          ...(cursor.after && { after: { ...cursor.after, rank: cursor.after.rank + 0 } }),
        });
      }),
    );
  });

  it('refuse anything a page could not have given, without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (value) => {
        const read = decodeSearchCursor(value);
        if (read !== null) expect(encodeSearchCursor(read)).toBe(value);
      }),
    );
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const value of [
      encode(['a', -1]),
      encode(['x', 5]),
      encode(['a', 5, 'rank', 3]),
      encode(['a', 5, 0.5]),
      encode(['r', 1.5]),
      encode({ scope: 'a' }),
      'not json',
      'x'.repeat(201),
    ]) {
      expect(decodeSearchCursor(value)).toBeNull();
    }
  });
});
