import { ConflictError, NotFoundError } from '@chat/errors';

/** The refusals the room services share, worded once. */
export const USER_NOT_FOUND = 'User not found';
export const MEMBER_NOT_FOUND = 'Member not found';
export const ROOM_ARCHIVED = 'The room is archived';

export const roomArchived = () => new ConflictError(ROOM_ARCHIVED);
export const userNotFound = () => new NotFoundError(USER_NOT_FOUND);

/** ROOMS_PER_USER: the caller, or the user they add, is in too many rooms already. */
export function tooManyRooms(limit: number, whose: 'caller' | 'other'): ConflictError {
  return new ConflictError(
    whose === 'caller'
      ? `You are in too many rooms (at most ${limit} besides general); leave one first`
      : `That user is in too many rooms (at most ${limit} besides general)`,
  );
}
