import fc from 'fast-check';
import { decodeSearchCursor, encodeSearchCursor, SearchCursor } from './search-cursor';

const ranks = fc.oneof(fc.constant(0), fc.double({ min: 1e-37, max: 3.4e38, noNaN: true }));

const cursors: fc.Arbitrary<SearchCursor> = fc.oneof(
  fc.record({ scope: fc.constantFrom('all' as const, 'room' as const), bound: fc.maxSafeNat() }),
  fc
    .record({
      scope: fc.constantFrom('all' as const, 'room' as const),
      bound: fc.maxSafeNat(),
      low: fc.option(fc.maxSafeNat(), { nil: undefined }),
      after: fc.record({ rank: ranks, id: fc.maxSafeNat() }),
    })
    .map((cursor) =>
      cursor.low === undefined
        ? { scope: cursor.scope, bound: cursor.bound, after: cursor.after }
        : { ...cursor, low: Math.min(cursor.low, cursor.bound) },
    ),
);

describe('search cursors', () => {
  it('read back as the cursor written', () => {
    fc.assert(
      fc.property(cursors, (cursor) => {
        expect(decodeSearchCursor(encodeSearchCursor(cursor))).toEqual(cursor);
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
      encode(['a', 5, null, 'rank', 3]),
      encode(['a', 5, 0.5]),
      encode(['a', 10, null, 1e39, 1]),
      encode(['a', 10, null, -1, 1]),
      encode(['a', 10, null, 1e-50, 1]),
      encode(['a', 10, null, 5e-324, 1]),
      encode(['a', 10, 11, 0.5, 1]),
      encode(['r', 1.5]),
      encode({ scope: 'a' }),
      'not json',
      'x'.repeat(201),
    ]) {
      expect(decodeSearchCursor(value)).toBeNull();
    }
  });
});
