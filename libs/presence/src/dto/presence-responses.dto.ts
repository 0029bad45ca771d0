import { ApiProperty } from '@nestjs/swagger';
import { PresenceAnswer, PresenceStatus, RoomPresenceAnswer } from '@chat/protocol';

// Response shapes for the OpenAPI document; the service returns plain objects of these shapes.

const STATUSES = ['online', 'away', 'offline'];

export class UserPresenceDto {
  @ApiProperty({ minimum: 1 })
  user_id!: number;

  @ApiProperty({
    enum: STATUSES,
    description: "the most active of the user's sockets on every instance; offline: none",
  })
  status!: PresenceStatus;
}

export class PresenceAnswerDto implements PresenceAnswer {
  @ApiProperty({ type: UserPresenceDto, isArray: true, description: 'in the order asked' })
  presence!: UserPresenceDto[];
}

export class RoomPresenceAnswerDto implements RoomPresenceAnswer {
  @ApiProperty({ minimum: 1 })
  room_id!: number;

  @ApiProperty({ minimum: 0, description: "the room's members online or away" })
  online!: number;
}
