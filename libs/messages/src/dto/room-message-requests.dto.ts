import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { isClientId } from '@chat/protocol';
import { IntegerParameter, IsMessageText } from './message-fields';

export const ROOM_PAGE_MAX = 100;
export const ROOM_PAGE_DEFAULT = 50;

/**
 * A message id in a path: digits without a sign or a leading zero (anything else stays a string,
 * which IsInt refuses: 422). Room ids in paths are read by @PathId (@chat/rooms).
 */
const PathIdParameter = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : value,
);

/** Message ids are bigints, read as long as they fit a JSON number exactly. */
export class MessagePathDto {
  @PathIdParameter
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  @IsInt()
  id!: number;
}

export class RoomPageQueryDto {
  /** Messages numbered below this one, newest first. */
  @ApiPropertyOptional()
  @IsOptional()
  @IntegerParameter
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  @IsInt()
  before_seq?: number;

  /** Messages numbered above this one, oldest first. */
  @ApiPropertyOptional()
  @IsOptional()
  @IntegerParameter
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  @IsInt()
  after_seq?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: ROOM_PAGE_MAX, default: ROOM_PAGE_DEFAULT })
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(ROOM_PAGE_MAX)
  @IsInt()
  limit?: number;
}

export class PostRoomMessageDto {
  @IsMessageText()
  text!: string;

  /** The sender's idempotency key: a repeat stores nothing and answers the first message. */
  @ApiPropertyOptional()
  @IsOptional()
  @ValidateBy({
    name: 'clientId',
    validator: {
      validate: isClientId,
      defaultMessage: () => 'client_id must be 1 to 64 characters without control characters',
    },
  })
  client_id?: string;
}

export class EditRoomMessageDto {
  @IsMessageText()
  text!: string;
}
