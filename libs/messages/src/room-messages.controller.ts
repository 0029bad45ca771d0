import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { InvalidInputError } from '@chat/errors';
import { PathId } from '@chat/rooms';
import { MessageChangeDto, RoomMessageDto } from './dto/room-message.dto';
import {
  EditRoomMessageDto,
  MessagePathDto,
  PostRoomMessageDto,
  ROOM_PAGE_DEFAULT,
  RoomPageQueryDto,
} from './dto/room-message-requests.dto';
import { RoomMessagesService } from './room-messages.service';

const ROOM_NOT_FOUND = 'No such room, or a private room or DM the caller is not in';
const MESSAGE_NOT_FOUND = 'No such message, or one in a room the caller cannot see';
const INVALID = 'A malformed id, text, client_id or page parameter';
const TOO_MANY_CHANGES =
  'Over MESSAGE_CHANGE_RATE_BURST edits and deletions at once, then MESSAGE_CHANGE_RATE_LIMIT a second';

/** Pages come from PostgreSQL as JSON text, sent as they are. */
const JSON_TYPE = 'application/json; charset=utf-8';

@ApiTags('room messages')
@Controller('api/v1')
export class RoomMessagesController {
  constructor(private readonly messages: RoomMessagesService) {}

  /** A page of a room: newest first (`before_seq` or neither), oldest first (`after_seq`). */
  @Get('rooms/:id/messages')
  @Authenticated()
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: RoomMessageDto, isArray: true })
  @ApiForbiddenResponse({ description: 'A public room the caller has not joined' })
  @ApiNotFoundResponse({ description: ROOM_NOT_FOUND })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  page(
    @CurrentUser() caller: AuthUser,
    @PathId('id') roomId: number,
    @Query() query: RoomPageQueryDto,
  ): Promise<string> {
    if (query.before_seq !== undefined && query.after_seq !== undefined) {
      throw new InvalidInputError([
        { field: 'after_seq', message: 'give before_seq or after_seq, not both' },
      ]);
    }
    return this.messages.page(caller, roomId, {
      beforeSeq: query.before_seq,
      afterSeq: query.after_seq,
      limit: query.limit ?? ROOM_PAGE_DEFAULT,
    });
  }

  /** Stores a message (201); a repeated `client_id` answers the first one (200). */
  @Post('rooms/:id/messages')
  @Authenticated()
  @ApiCreatedResponse({ type: RoomMessageDto })
  @ApiOkResponse({ type: RoomMessageDto, description: 'A repeated client_id: the first message' })
  @ApiForbiddenResponse({ description: 'A public room not joined, or an archived room' })
  @ApiNotFoundResponse({ description: ROOM_NOT_FOUND })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  async post(
    @CurrentUser() caller: AuthUser,
    @PathId('id') roomId: number,
    @Body() body: PostRoomMessageDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RoomMessageDto> {
    const sent = await this.messages.send(caller, roomId, body.text, body.client_id);
    response.status(sent.created ? 201 : 200);
    return sent.message;
  }

  @Get('messages/:id')
  @Authenticated()
  @ApiOkResponse({ type: RoomMessageDto })
  @ApiNotFoundResponse({ description: MESSAGE_NOT_FOUND })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  findOne(@CurrentUser() caller: AuthUser, @Param() path: MessagePathDto): Promise<RoomMessageDto> {
    return this.messages.findOne(caller, path.id);
  }

  /** The author edits. */
  @Patch('messages/:id')
  @Authenticated()
  @ApiOkResponse({ type: MessageChangeDto })
  @ApiForbiddenResponse({ description: "Another's message, or an archived room" })
  @ApiNotFoundResponse({ description: MESSAGE_NOT_FOUND })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  @ApiTooManyRequestsResponse({ description: TOO_MANY_CHANGES })
  async edit(
    @CurrentUser() caller: AuthUser,
    @Param() path: MessagePathDto,
    @Body() body: EditRoomMessageDto,
  ): Promise<MessageChangeDto> {
    const change = await this.messages.edit(caller, path.id, body.text);
    return { message_id: path.id, room_id: change.room_id, seq: change.seq };
  }

  /** The author, the room owner, or a site moderator in a public room deletes. */
  @Delete('messages/:id')
  @Authenticated()
  @ApiOkResponse({ type: MessageChangeDto })
  @ApiForbiddenResponse({
    description: 'Not the author, the owner or a moderator; an archived room',
  })
  @ApiNotFoundResponse({ description: MESSAGE_NOT_FOUND })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  @ApiTooManyRequestsResponse({ description: TOO_MANY_CHANGES })
  async remove(
    @CurrentUser() caller: AuthUser,
    @Param() path: MessagePathDto,
  ): Promise<MessageChangeDto> {
    const change = await this.messages.remove(caller, path.id);
    return { message_id: path.id, room_id: change.room_id, seq: change.seq };
  }
}
