import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { ConflictError } from '@chat/errors';
import { Role } from '@chat/roles';
import { ChatMessageDto } from './dto/chat-message.dto';
import {
  DeleteMessageDto,
  LoadMessagesDto,
  SinceQueryDto,
  UpdateMessageDto,
} from './dto/message-requests.dto';
import { MessagesService } from './messages.service';

/** History pages come from PostgreSQL as JSON text, sent as they are. */
const JSON_TYPE = 'application/json; charset=utf-8';

@ApiTags('messages')
@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** The 50 newest messages, newest first. */
  @Get('routers/last_messages')
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: ChatMessageDto, isArray: true })
  lastMessages(): Promise<string> {
    return this.messages.history();
  }

  /** Up to 50 messages older than `id_message`, newest first. `/chat/load` is the original's name. */
  @Post(['routers/load', 'chat/load'])
  @HttpCode(200)
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: ChatMessageDto, isArray: true })
  load(@Body() body: LoadMessagesDto): Promise<string> {
    return this.messages.history(body.id_message);
  }

  /** Messages newer than `after_id`, oldest first: what a reconnecting client missed. */
  @Get('routers/since')
  since(@Query() query: SinceQueryDto): Promise<ChatMessageDto[]> {
    return this.messages.since(query.after_id, query.limit);
  }

  @Patch('routers/update')
  @HttpCode(201)
  @Authenticated({ compat: true })
  async update(@CurrentUser() caller: AuthUser, @Body() body: UpdateMessageDto) {
    await this.messages.edit(caller, body.message_id, body.message);
    return { message: 'message updated successfully' };
  }

  @Delete('routers/delete-message')
  @HttpCode(201)
  @Authenticated({
    role: Role.Moderator,
    refusal: () => new ConflictError('Unauthorized access'),
    compat: true,
  })
  async delete(@CurrentUser() caller: AuthUser, @Body() body: DeleteMessageDto) {
    await this.messages.removeFromGeneral(caller, body.id_message);
    return { message: 'message deleted successfully' };
  }
}
