/** Ids are PostgreSQL integers: anything outside 1..2^31-1 names no room or user. */
export const ID_MAX = 2_147_483_647;

export function isId(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= ID_MAX;
}
