import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CALENDAR_TIME } from '@chat/protocol';
import { SEARCH_QUERY_MAX_CHARACTERS } from '../search-terms';

const ID_MAX = 2_147_483_647;
export const SEARCH_PAGE_MAX = 50;
export const SEARCH_PAGE_DEFAULT = 20;

/** An integer query parameter: digits only, then checked as a number (anything else: 422). */
const IntegerParameter = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
);

export class SearchQueryDto {
  @ApiProperty({
    minLength: 1,
    maxLength: SEARCH_QUERY_MAX_CHARACTERS,
    description:
      'Words (all must appear, matched by stem in Russian and English), "an exact phrase", ' +
      '`prefix*` (3 letters or more), `-word` to leave out, `or` between alternatives',
    example: '"release notes" deploy*',
  })
  @Length(1, SEARCH_QUERY_MAX_CHARACTERS)
  @IsString()
  q!: string;

  @ApiPropertyOptional({ description: 'Only this room (one the caller is in)' })
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  room_id?: number;

  @ApiPropertyOptional({ description: "Only this user's messages" })
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  author_id?: number;

  @ApiPropertyOptional({ description: 'Only messages sent before this time (ISO 8601)' })
  @IsOptional()
  @Matches(CALENDAR_TIME, { message: 'before must be a date, YYYY-MM-DD, with a time or not' })
  @IsISO8601({ strict: true })
  before?: string;

  @ApiPropertyOptional({ description: 'Only messages sent at or after this time (ISO 8601)' })
  @IsOptional()
  @Matches(CALENDAR_TIME, { message: 'after must be a date, YYYY-MM-DD, with a time or not' })
  @IsISO8601({ strict: true })
  after?: string;

  @ApiPropertyOptional({ description: "The previous page's next_cursor" })
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: SEARCH_PAGE_MAX, default: SEARCH_PAGE_DEFAULT })
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(SEARCH_PAGE_MAX)
  @IsInt()
  limit?: number;
}
