import { ApiProperty } from '@nestjs/swagger';
import { RoomMessage } from '../message-json';
import { ChatMessageDto } from './chat-message.dto';

/** A message as v2 shows it, for the OpenAPI document. */
export class RoomMessageDto extends ChatMessageDto implements RoomMessage {
  room_id!: number;
  /** The message's number in its room's sequence. */
  seq!: number;
  @ApiProperty({ type: String, nullable: true, description: 'ISO 8601, UTC' })
  edited_at!: string | null;
  /** The users its @names named when it was sent or last edited (`@name` or `@[name with spaces]`). */
  @ApiProperty({ type: Number, isArray: true })
  mentions!: number[];
}

/** A change to a message, numbered in its room. */
export class MessageChangeDto {
  message_id!: number;
  room_id!: number;
  seq!: number;
}
