import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { RoomHistory } from '@chat/messages';
import { RoomAccess } from '@chat/rooms';
import { ClientConnection } from '../connection/client-connection';
import { ConnectionRegistry } from '../connection-registry.service';
import { drained } from '../connection/drained';
import { errorFrame, resumedFrame } from '@chat/protocol';
import { v2RoomFrame } from './v2-event-frames';

const REPLAY_PAGE = 500;

/**
 * `resume` on a v2 socket: for each room, every change after the client's number, oldest first,
 * while the rooms' live frames wait; then `resumed`, then the live frames it still lacks.
 */
@Injectable()
export class RoomResume {
  private readonly bound: number;

  constructor(
    private readonly history: RoomHistory,
    private readonly access: RoomAccess,
    private readonly registry: ConnectionRegistry,
    config: AppConfig,
  ) {
    this.bound = config.resumeMaxMessages;
  }

  async resume(
    connection: ClientConnection,
    req: string | undefined,
    points: Map<number, number>,
  ): Promise<void> {
    // An empty resume is the SDK's heartbeat: the ack alone answers it, without the database.
    if (points.size === 0) return;
    const streams = connection.streams!;
    // Every named room's live frames wait from the resume on, before anything is read: one sent
    // meanwhile (or while an earlier room replays) would reach the client ahead of the older
    // changes replayed. A room the user turns out to have left drops what it held.
    const rooms = [...points.keys()].filter((roomId) => streams.has(roomId));
    for (const roomId of rooms) streams.startReplay(roomId);
    try {
      await this.forgetRoomsLeft(connection);
      const lastSeqs = await this.history.lastSeqs(rooms);
      for (const [roomId, afterSeq] of points) {
        const lastSeq = lastSeqs.get(roomId);
        if (!streams.has(roomId) || lastSeq === undefined) {
          connection.send(errorFrame(req, 'not_found', 'Room not found', roomId));
          continue;
        }
        if (afterSeq > lastSeq || lastSeq - afterSeq > this.bound) {
          this.reload(connection, roomId, lastSeq);
          continue;
        }
        // A socket that does not read what is replayed is cut off, as one that does not read
        // live traffic is; its room would otherwise hold live frames without end. One that
        // closed meanwhile is simply gone, not slow.
        if (!(await this.replay(connection, roomId, afterSeq, lastSeq))) {
          if (connection.isOpen) connection.dropAsSlow();
          return;
        }
      }
    } finally {
      // Rooms left unreplayed (a failure, a closed socket) let what they held go.
      for (const roomId of rooms) {
        const held = streams.release(roomId);
        if (connection.isOpen) connection.sendEncoded(held);
      }
    }
  }

  /**
   * What the socket holds of its rooms is kept current by the bus; a resume reads the database
   * itself, so it first checks membership there: a member removed while this instance could not
   * hear it leaves the room now instead of reading its past.
   */
  private async forgetRoomsLeft(connection: ClientConnection): Promise<void> {
    const rooms = await this.access.roomsOf(connection.user!.id);
    const member = new Set(rooms.map((room) => room.room_id));
    for (const roomId of connection.streams!.roomIds()) {
      if (!member.has(roomId)) this.registry.leaveRoom(connection, roomId);
    }
  }

  /** Too far behind (or ahead): the client reloads the room; live frames go on from lastSeq. */
  private reload(connection: ClientConnection, roomId: number, lastSeq: number): void {
    const held = connection.streams!.restartAt(roomId, lastSeq);
    connection.send(resumedFrame(roomId, false, lastSeq));
    connection.sendEncoded(held);
  }

  /** Replays one room; false when the socket stopped reading or closed (nothing more to do). */
  private async replay(
    connection: ClientConnection,
    roomId: number,
    afterSeq: number,
    lastSeq: number,
  ): Promise<boolean> {
    const streams = connection.streams!;
    try {
      for await (const page of this.history.eventsBetween(roomId, afterSeq, lastSeq, REPLAY_PAGE)) {
        for (const event of page) {
          if (streams.admitReplay(roomId, afterSeq, event.seq)) connection.send(v2RoomFrame(event));
        }
        if (!(await drained(connection))) return false;
      }
    } catch (error) {
      // The stored changes could not be read: the client reloads the room instead.
      this.reload(connection, roomId, lastSeq);
      throw error;
    }
    const held = streams.finishReplay(roomId, afterSeq, lastSeq);
    connection.send(resumedFrame(roomId, true, lastSeq));
    connection.sendEncoded(held);
    return true;
  }
}
