import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { UNREAD_LIMIT } from '@chat/protocol';
import { ReadResult } from '../read-markers.service';

export class ReadMarkerDto {
  /**
   * The room's number the caller has read up to (the seq of the newest change seen). A number
   * behind the marker leaves it where it is; one past the room's newest number stops there.
   */
  @ApiProperty({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  @IsInt()
  seq!: number;
}

// Every field decorated: the document is the same with or without the Swagger compiler plugin.
export class ReadResultDto implements ReadResult {
  @ApiProperty()
  room_id!: number;
  /** Messages after the marker, by others, not deleted; stops at 100 (show "99+"). */
  @ApiProperty({ minimum: 0, maximum: UNREAD_LIMIT })
  unread!: number;
  /** Those of them that mention the caller; stops at 100. */
  @ApiProperty({ minimum: 0, maximum: UNREAD_LIMIT })
  mentions!: number;
  /** The caller's marker now: where it moved to, or where it was when it could not move back. */
  @ApiProperty({ minimum: 0 })
  last_read_seq!: number;
}
