import { Body, Controller, Delete, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { RoomMember } from '@chat/events';
import { MembersQueryDto, UserIdDto } from './dto/room-requests.dto';
import { RoomMemberDto, RoomViewDto } from './dto/room-responses.dto';
import { PathId } from './path-id.decorator';
import { Outcome, RoomMembershipsService } from './room-memberships.service';
import { RoomView } from './room-views';

const NOT_FOUND = 'No such room, or a private room or DM the caller is not in';

/** 201 when the call made the membership, 200 when it was there already. */
function answer<T>(response: Response, outcome: Outcome<T>): T {
  response.status(outcome.created ? 201 : 200);
  return outcome.value;
}

@ApiTags('rooms')
@Authenticated()
@Controller('api/v1/rooms/:id')
export class RoomMembersController {
  constructor(private readonly memberships: RoomMembershipsService) {}

  /** Join a public room. */
  @Post('join')
  @ApiCreatedResponse({ type: RoomViewDto, description: 'Joined' })
  @ApiOkResponse({ type: RoomViewDto, description: 'Already a member' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async join(
    @CurrentUser() caller: AuthUser,
    @PathId('id') id: number,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RoomView> {
    return answer(response, await this.memberships.join(caller, id));
  }

  /** Leave a room (not the general room, not a DM). */
  @Post('leave')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: NOT_FOUND })
  leave(@CurrentUser() caller: AuthUser, @PathId('id') id: number): Promise<void> {
    return this.memberships.leave(caller, id);
  }

  /** Members in user id order, up to `limit` (500) after `after_id`. */
  @Get('members')
  @ApiOkResponse({ type: RoomMemberDto, isArray: true })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  list(
    @CurrentUser() caller: AuthUser,
    @PathId('id') id: number,
    @Query() query: MembersQueryDto,
  ): Promise<RoomMember[]> {
    return this.memberships.list(caller, id, { afterId: query.after_id, limit: query.limit });
  }

  /** Add a user: the owner of a private room, any member of a public one. */
  @Post('members')
  @ApiCreatedResponse({ type: RoomMemberDto, description: 'Added' })
  @ApiOkResponse({ type: RoomMemberDto, description: 'Already a member' })
  @ApiNotFoundResponse({ description: `${NOT_FOUND}; or no such user` })
  async add(
    @CurrentUser() caller: AuthUser,
    @PathId('id') id: number,
    @Body() body: UserIdDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RoomMember> {
    return answer(response, await this.memberships.add(caller, id, body.user_id));
  }

  /** Remove a member: the owner, or a site moderator/admin in a public room. Yourself: leave. */
  @Delete('members/:user_id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: `${NOT_FOUND}; or not a member` })
  remove(
    @CurrentUser() caller: AuthUser,
    @PathId('id') id: number,
    @PathId('user_id') userId: number,
  ): Promise<void> {
    return this.memberships.remove(caller, id, userId);
  }
}
