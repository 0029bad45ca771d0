import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { DirectRoomsService } from './direct-rooms.service';
import { UserIdDto } from './dto/room-requests.dto';
import { RoomViewDto } from './dto/room-responses.dto';
import { RoomView } from './room-views';

@ApiTags('rooms')
@Authenticated()
@Controller('api/v1/dms')
export class DirectRoomsController {
  constructor(private readonly directRooms: DirectRoomsService) {}

  /** The direct room with a user, made the first time; its `peer` is that user. */
  @Post()
  @ApiCreatedResponse({ type: RoomViewDto, description: 'Made now' })
  @ApiOkResponse({ type: RoomViewDto, description: 'The pair had it already' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async open(
    @CurrentUser() caller: AuthUser,
    @Body() body: UserIdDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RoomView> {
    const outcome = await this.directRooms.open(caller, body.user_id);
    response.status(outcome.created ? 201 : 200);
    return outcome.value;
  }
}
