import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { ID_MAX } from '../room-id';
import { IsEntityId, IsRoomName, IsRoomTopic, ROOM_NAME_MAX } from '../room-fields';

export const CREATABLE_KINDS = ['public', 'private'] as const;
export const MEMBERS_PAGE_MAX = 500;

export class CreateRoomDto {
  /** 1 to 64 characters after trimming, no control characters. */
  @IsRoomName()
  name!: string;

  /** Direct rooms are opened with POST /api/v1/dms. */
  @ApiProperty({ enum: CREATABLE_KINDS })
  @IsIn(CREATABLE_KINDS, {
    message: 'kind must be public or private (a direct room is opened with POST /api/v1/dms)',
  })
  kind!: (typeof CREATABLE_KINDS)[number];

  /** At most 256 characters after trimming, no control characters. */
  @IsOptional()
  @IsRoomTopic()
  topic?: string;
}

/** At least one of the two; a field left out keeps its value. */
export class UpdateRoomDto {
  // ValidateIf rather than IsOptional, which would let null through as "not given".
  @ValidateIf((body: UpdateRoomDto) => body.name !== undefined)
  @IsRoomName()
  name?: string;

  /** An empty string clears the topic. */
  @ValidateIf((body: UpdateRoomDto) => body.topic !== undefined)
  @IsRoomTopic()
  topic?: string;
}

export class UserIdDto {
  @ApiProperty({ minimum: 1, maximum: ID_MAX })
  @IsEntityId()
  user_id!: number;
}

/** An integer query parameter: digits only, then checked as a number. */
const IntegerParameter = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
);

export class DirectoryQueryDto {
  /** Only rooms whose name contains this, in any case. */
  @ApiPropertyOptional({ maxLength: ROOM_NAME_MAX })
  @IsOptional()
  // No name holds these, and PostgreSQL refuses NUL in text.
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'q must not contain control characters' })
  @MaxLength(ROOM_NAME_MAX)
  @IsString()
  q?: string;

  /** `next_cursor` of the previous page. */
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  cursor?: string;
}

export class MembersQueryDto {
  /** Members with user ids above this one (the last user_id of the previous page). */
  @IsOptional()
  @IntegerParameter
  @Max(ID_MAX)
  @Min(0)
  @IsInt()
  after_id?: number;

  /** At most 500, the default. */
  @IsOptional()
  @IntegerParameter
  @Max(MEMBERS_PAGE_MAX)
  @Min(1)
  @IsInt()
  limit?: number;
}
