import { InvalidInputError } from '@chat/errors';
import { containsPattern, decodeDirectoryCursor, encodeDirectoryCursor } from './directory-cursor';

describe('directory cursors', () => {
  it('round-trips a position, whatever the name holds', () => {
    for (const sortName of ['general', 'ünïcødé 😀', 'a"b\\c', '']) {
      const position = { sortName, id: 12 };
      const cursor = encodeDirectoryCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeDirectoryCursor(cursor)).toEqual(position);
    }
  });

  it.each([
    'not a cursor!',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('["x", 0]').toString('base64url'),
    Buffer.from('["x", 2147483648]').toString('base64url'),
    Buffer.from('["x\\u0000", 3]').toString('base64url'),
    Buffer.from('["x", 3, 4]').toString('base64url'),
    Buffer.from('not json').toString('base64url'),
  ])('refuses %j with 422', (cursor) => {
    expect(() => decodeDirectoryCursor(cursor)).toThrow(InvalidInputError);
  });

  it('takes LIKE wildcards in a search literally', () => {
    expect(containsPattern(undefined)).toBe('%%');
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
