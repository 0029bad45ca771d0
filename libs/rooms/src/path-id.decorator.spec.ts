import { InvalidInputError } from '@chat/errors';
import { parsePathId } from './path-id.decorator';

describe('parsePathId', () => {
  const parse = (value: unknown) => parsePathId(value, 'user_id');

  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2147483647],
  ])('reads %s', (value, id) => {
    expect(parse(value)).toBe(id);
  });

  it.each(['0', '-1', '+1', '01', '1.0', '1e3', 'abc', '', ' 1', '2147483648', '99999999999', 5])(
    'refuses %j with 422 naming the parameter',
    (value) => {
      expect(() => parse(value)).toThrow(InvalidInputError);
      try {
        parse(value);
      } catch (error) {
        expect((error as InvalidInputError).problems).toEqual([
          { field: 'user_id', message: 'user_id must be an integer from 1 to 2147483647' },
        ]);
      }
    },
  );
});
