import fc from 'fast-check';
import { InvalidInputError } from '@chat/errors';
import { parsePresenceQuery, PRESENCE_USERS_MAX } from './presence-query';

function problemOf(userIds: unknown, roomId: unknown) {
  try {
    parsePresenceQuery(userIds, roomId);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.problems[0];
    throw error;
  }
  return undefined;
}

describe('parsePresenceQuery', () => {
  it('reads user ids in the order given, repeats included', () => {
    expect(parsePresenceQuery('3,1,2,1', undefined)).toEqual({ userIds: [3, 1, 2, 1] });
    expect(parsePresenceQuery('2147483647', undefined)).toEqual({ userIds: [2147483647] });
  });

  it('reads a room id', () => {
    expect(parsePresenceQuery(undefined, '12')).toEqual({ roomId: 12 });
  });

  it('takes up to 200 ids', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2147483647 }), {
          minLength: 1,
          maxLength: PRESENCE_USERS_MAX,
        }),
        (ids) => {
          expect(parsePresenceQuery(ids.join(','), undefined)).toEqual({ userIds: ids });
        },
      ),
    );
  });

  it('refuses neither or both', () => {
    expect(problemOf(undefined, undefined)?.field).toBe('query');
    expect(problemOf('1', '1')?.field).toBe('query');
  });

  it.each([
    [''],
    [','],
    ['1,'],
    [',1'],
    ['1,,2'],
    ['0'],
    ['-1'],
    ['01'],
    ['1.5'],
    ['1e3'],
    [' 1'],
    ['2147483648'],
    ['abc'],
    [Array.from({ length: PRESENCE_USERS_MAX + 1 }, (_, i) => i + 1).join(',')],
    [['1', '2']],
  ])('refuses user_ids=%j', (userIds) => {
    expect(problemOf(userIds, undefined)?.field).toBe('user_ids');
  });

  it.each([[''], ['0'], ['x'], ['1,2'], ['2147483648'], [['1']]])(
    'refuses room_id=%j',
    (roomId) => {
      expect(problemOf(undefined, roomId)?.field).toBe('room_id');
    },
  );
});
