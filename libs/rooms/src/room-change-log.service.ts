import { Injectable } from '@nestjs/common';
import {
  EventBus,
  MemberJoinedEvent,
  MemberLeftEvent,
  RoomEvent,
  RoomMember,
  RoomSummary,
  RoomUpdatedEvent,
} from '@chat/events';
import { RoomChangesRepository } from './room-changes.repository';
import { RoomsRepository } from './rooms.repository';
import { Sql, TransactionRunner } from './transaction-runner.service';

/** What a change transaction may do besides its own statements: log changes of rooms. */
export interface ChangeTransaction {
  sql: Sql;
  /** `member` is now in the room (its row is written): logs member.joined. */
  joined(roomId: number, member: RoomMember): Promise<MemberJoinedEvent>;
  /** `userId`'s row is gone: logs member.left. */
  left(roomId: number, userId: number, reason: 'left' | 'removed'): Promise<MemberLeftEvent>;
  /** The room's row has its new values: logs room.updated. */
  updated(roomId: number): Promise<RoomUpdatedEvent>;
}

/**
 * Runs a membership or room change in one transaction that numbers each change in its room
 * (chat_log_change), then publishes the events once it has committed, so nobody hears of a change
 * that did not happen. An event's room is read inside the transaction, after the change, and the
 * room row is locked (by the caller, or by being new), so its member_count and last_seq are
 * exactly those at the event's number.
 */
@Injectable()
export class RoomChangeLog {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly rooms: RoomsRepository,
    private readonly changes: RoomChangesRepository,
    private readonly events: EventBus,
  ) {}

  async transact<T>(work: (tx: ChangeTransaction) => Promise<T>): Promise<T> {
    const logged: RoomEvent[] = [];
    const result = await this.runner.run((sql) => work(this.transaction(sql, logged)));
    for (const event of logged) this.events.publish(event);
    return result;
  }

  private transaction(sql: Sql, logged: RoomEvent[]): ChangeTransaction {
    const log = async <E extends RoomEvent>(event: Omit<E, 'seq'>, expectedSeq: number) => {
      const { type, roomId, ...payload } = event;
      const seq = await this.changes.log(sql, roomId, type, payload);
      // The room row is held, so nothing can have taken a number in between.
      if (seq !== expectedSeq)
        throw new Error(`Room ${roomId} numbered ${seq}, not ${expectedSeq}`);
      const numbered = Object.assign({}, event, { seq }) as unknown as E;
      logged.push(numbered);
      return numbered;
    };
    const roomAfterChange = async (roomId: number): Promise<RoomSummary> => {
      const room = await this.rooms.summary(roomId, sql);
      if (!room) throw new Error(`Room ${roomId} vanished inside its change`);
      return Object.assign({}, room, { last_seq: room.last_seq + 1 });
    };
    return {
      sql,
      joined: async (roomId, member) => {
        const room = await roomAfterChange(roomId);
        return log<MemberJoinedEvent>(
          { type: 'member.joined', roomId, member, room },
          room.last_seq,
        );
      },
      left: async (roomId, userId, reason) => {
        const room = await roomAfterChange(roomId);
        return log<MemberLeftEvent>({ type: 'member.left', roomId, userId, reason }, room.last_seq);
      },
      updated: async (roomId) => {
        const room = await roomAfterChange(roomId);
        return log<RoomUpdatedEvent>({ type: 'room.updated', roomId, room }, room.last_seq);
      },
    };
  }
}
