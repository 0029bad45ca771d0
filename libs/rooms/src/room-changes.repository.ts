import { Injectable } from '@nestjs/common';
import { RoomEvent } from '@chat/events';
import { Sql } from './transaction-runner.service';

/**
 * chat_log_change (see the migrations) takes the room's next number and records the change under
 * it; it must run in the transaction that makes the change.
 */
const LOG = `SELECT chat_log_change($1, $2, $3::jsonb)::float8 AS seq`;

/** A room change as it is recorded: the event without type, room and number. */
export type ChangePayload<E extends RoomEvent> = Omit<E, 'type' | 'roomId' | 'seq'>;

/** The room_changes table: the log a resume replays. */
@Injectable()
export class RoomChangesRepository {
  /** Records a change of the room in the caller's transaction; its number. */
  async log<E extends RoomEvent>(
    sql: Sql,
    roomId: number,
    type: E['type'],
    payload: ChangePayload<E>,
  ): Promise<number> {
    const [row] = await sql<{ seq: number }>(LOG, [roomId, type, JSON.stringify(payload)]);
    return row.seq;
  }
}
