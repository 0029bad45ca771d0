import { ChatMessage } from '@chat/events';

/** The wire shape of a message, for the OpenAPI document. */
export class ChatMessageDto implements ChatMessage {
  message_id!: number;
  user_id!: number;
  name!: string;
  /** 1 user, 2 moderator, 3 admin. */
  role!: number;
  /** A path on this server. */
  user_avatar!: string;
  message!: string;
  /** HH:MM:SS in the configured time zone. */
  time_send!: string;
  /** ISO 8601, UTC. */
  created_at!: string;
  edited!: boolean;
}
