import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { SINCE_MAX } from '../messages.service';
import { IntegerParameter, IsMessageId, IsMessageText } from './message-fields';

export class LoadMessagesDto {
  /** Messages with ids below this one are returned (0 returns none). */
  @IsMessageId()
  id_message!: number;
}

export class SinceQueryDto {
  /** Messages with ids above this one are returned, oldest first. */
  @IntegerParameter
  @IsMessageId()
  after_id!: number;

  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(SINCE_MAX)
  @IsInt()
  limit?: number;
}

export class UpdateMessageDto {
  @IsMessageId()
  message_id!: number;

  @IsMessageText()
  message!: string;
}

export class DeleteMessageDto {
  @IsMessageId()
  id_message!: number;
}
