import { InvalidInputError } from '@chat/errors';

/** At most this many users in one `GET /api/v1/presence?user_ids=`. */
export const PRESENCE_USERS_MAX = 200;
const ID_MAX = 2_147_483_647;
const ID = /^[1-9]\d{0,9}$/;

export type PresenceQuery = { userIds: number[] } | { roomId: number };

/**
 * The query of `GET /api/v1/presence`: `user_ids` (1 to 200 comma-separated ids) or `room_id`,
 * exactly one of them; anything else is refused naming the parameter, before any lookup.
 */
export function parsePresenceQuery(userIds: unknown, roomId: unknown): PresenceQuery {
  if ((userIds === undefined) === (roomId === undefined)) {
    throw invalid('query', 'give either user_ids or room_id');
  }
  if (roomId !== undefined) {
    if (typeof roomId === 'string' && isId(roomId)) return { roomId: Number(roomId) };
    throw invalid('room_id', `room_id must be an integer from 1 to ${ID_MAX}`);
  }
  const ids = typeof userIds === 'string' ? userIds.split(',') : [];
  if (ids.length === 0 || ids.length > PRESENCE_USERS_MAX || !ids.every(isId)) {
    throw invalid(
      'user_ids',
      `user_ids must be 1 to ${PRESENCE_USERS_MAX} comma-separated integers from 1 to ${ID_MAX}`,
    );
  }
  return { userIds: ids.map(Number) };
}

function isId(value: string): boolean {
  return ID.test(value) && Number(value) <= ID_MAX;
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError([{ field, message }]);
}
