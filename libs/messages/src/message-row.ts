import { ChatMessage } from '@chat/events';

/** A message joined with its author's current name, role and avatar, as the queries select it. */
export interface MessageRow {
  id: string;
  user_id: number;
  name: string;
  role: number;
  avatar: string;
  text: string;
  created_at: Date;
  edited_at: Date | null;
  client_id: string | null;
}

/** The select list that produces a MessageRow from `messages m JOIN users u`. */
export const MESSAGE_COLUMNS = `m.id, m.user_id, u.name, u.role, u.avatar, m.text, m.created_at,
  m.edited_at, m.client_id`;

/** Turns rows into the wire shape; `time_send` is the send time in the configured time zone. */
export class MessageMapper {
  private readonly clock: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.clock = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }

  toChatMessage(row: MessageRow): ChatMessage {
    return {
      message_id: Number(row.id),
      user_id: row.user_id,
      name: row.name,
      role: row.role,
      user_avatar: row.avatar,
      message: row.text,
      time_send: this.clock.format(row.created_at),
      created_at: row.created_at.toISOString(),
      edited: row.edited_at !== null,
    };
  }
}
