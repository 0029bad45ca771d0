import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const USERS_PAGE_MAX = 500;
/** users.id is a PostgreSQL integer. */
const USER_ID_MAX = 2_147_483_647;

/** An integer query parameter: digits only, then checked as a number. */
const IntegerParameter = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
);

/** `GET /user/all` paging; with neither parameter the whole list is returned, as before. */
export class ListUsersQueryDto {
  /** Users with ids above this one are returned, in id order (0 when left out). */
  @IsOptional()
  @IntegerParameter
  @Min(0)
  @Max(USER_ID_MAX)
  @IsInt()
  after_id?: number;

  /** At most this many users (1 to 500; 500 when left out while `after_id` is given). */
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(USERS_PAGE_MAX)
  @IsInt()
  limit?: number;
}
