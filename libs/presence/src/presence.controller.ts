import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { PresenceAnswer, RoomPresenceAnswer } from '@chat/protocol';
import { PresenceAnswerDto, RoomPresenceAnswerDto } from './dto/presence-responses.dto';
import { parsePresenceQuery, PRESENCE_USERS_MAX } from './presence-query';
import { PresenceService } from './presence.service';

@ApiTags('presence')
@Authenticated()
@Controller('api/v1/presence')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  /**
   * Users' statuses (`user_ids`), or how many members of a room the caller is in are online or
   * away (`room_id`): exactly one of the two.
   */
  @Get()
  @ApiQuery({
    name: 'user_ids',
    required: false,
    description: `1 to ${PRESENCE_USERS_MAX} comma-separated user ids`,
    example: '1,2,3',
  })
  @ApiQuery({ name: 'room_id', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiExtraModels(PresenceAnswerDto, RoomPresenceAnswerDto)
  @ApiOkResponse({
    description: '`presence` for user_ids, `room_id` and `online` for room_id',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(PresenceAnswerDto) },
        { $ref: getSchemaPath(RoomPresenceAnswerDto) },
      ],
    },
  })
  @ApiUnprocessableEntityResponse({ description: 'Neither or both, or ids that are not ids' })
  @ApiForbiddenResponse({ description: 'A public room the caller has not joined' })
  @ApiNotFoundResponse({
    description: 'No such room, or a private room or DM the caller is not in',
  })
  @ApiServiceUnavailableResponse({ description: 'Redis is unreachable' })
  get(
    @CurrentUser() caller: AuthUser,
    @Query('user_ids') userIds?: unknown,
    @Query('room_id') roomId?: unknown,
  ): Promise<PresenceAnswer | RoomPresenceAnswer> {
    const query = parsePresenceQuery(userIds, roomId);
    return 'userIds' in query
      ? this.presence.ofUsers(query.userIds)
      : this.presence.ofRoom(caller, query.roomId);
  }
}
