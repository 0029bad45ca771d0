import { randomInt } from 'node:crypto';

/** How many default avatars exist under /static/avatars/default (01.webp to 20.webp). */
export const DEFAULT_AVATAR_COUNT = 20;
export const DELETED_USER_AVATAR = '/static/avatars/deleted.webp';

export function randomDefaultAvatar(): string {
  const number = String(randomInt(1, DEFAULT_AVATAR_COUNT + 1)).padStart(2, '0');
  return `/static/avatars/default/${number}.webp`;
}
