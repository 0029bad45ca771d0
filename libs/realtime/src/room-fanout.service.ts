import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  ChatEvent,
  EventBus,
  isRoomEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  RoomEvent,
} from '@chat/events';
import { RoomHistory } from '@chat/messages';
import { ChatMetrics } from '@chat/metrics';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { ClientConnection } from './connection/client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';
import { RoomSequencer } from './room-sequencer';
import { roomAddedFrame, roomRemovedFrame } from '@chat/protocol';

const GAP_WAIT_MS = 100;
const GIVE_UP_MS = 5_000;
const MAX_FILL = 10_000;
const READ_PAGE = 500;

/**
 * Routes the bus's events to this instance's sockets: each room's changes in order and once (the
 * sequencer, which reads a missing change from the database), only for the rooms that have a
 * socket here (the bus subscribes to exactly those), and membership changes to the members' own
 * sockets, which join or leave the room at once.
 */
@Injectable()
export class RoomFanout implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RoomFanout');
  private readonly sequencer: RoomSequencer;
  private readonly unsubscribes: (() => void)[] = [];
  /**
   * Rooms a user's socket was taken out of while it was not in them yet (a sign-in reading the
   * user's rooms meanwhile), with the number of that change: the sign-in must not put it back.
   */
  private readonly departures = new WeakMap<ClientConnection, Map<number, number>>();

  constructor(
    private readonly events: EventBus,
    private readonly registry: ConnectionRegistry,
    private readonly broadcaster: EventBroadcaster,
    private readonly history: RoomHistory,
    private readonly metrics: ChatMetrics,
  ) {
    this.sequencer = new RoomSequencer(
      {
        emit: (event) => this.emit(event),
        read: (roomId, afterSeq, upToSeq) => this.read(roomId, afterSeq, upToSeq),
        skipped: (roomId, afterSeq, upToSeq) => {
          this.metrics.roomChangesSkipped.inc(upToSeq - afterSeq);
          this.logger.warn(`Room ${roomId}: changes ${afterSeq + 1}-${upToSeq} skipped`);
        },
      },
      { gapWaitMs: GAP_WAIT_MS, giveUpMs: GIVE_UP_MS, maxFill: MAX_FILL },
    );
    registry.roomEmptied = (roomId) => this.roomEmptied(roomId);
  }

  /**
   * Every instance serves the general room (the compat sockets are all in it), from its number at
   * start: followed from the first change to arrive instead, this instance's own change (shown
   * here at once) could start it past another instance's earlier one still on its way, which would
   * then be dropped as a repeat. Read before listening, so no change is taken meanwhile: one
   * stored in between is read as a gap once the next arrives.
   */
  async onModuleInit(): Promise<void> {
    const general = (await this.history.lastSeqs([GENERAL_ROOM_ID])).get(GENERAL_ROOM_ID);
    if (general !== undefined) this.sequencer.follow(GENERAL_ROOM_ID, general);
    this.events.watchRoom(GENERAL_ROOM_ID);
    this.unsubscribes.push(
      this.events.subscribe((event) => this.receive(event)),
      this.events.onConnectionChange((connected) => {
        if (connected) void this.sweep();
      }),
    );
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.sequencer.stop();
  }

  /**
   * Puts a signed-in v2 socket in a room whose changes up to `seq` (the room's number when its
   * membership was read) it need not be sent. What this instance passed on since is not sent
   * either: the socket is in the room from that later number on, which is returned (the client
   * resumes from its own). Null when the socket's user left the room after `seq`.
   */
  join(connection: ClientConnection, roomId: number, seq: number): number | null {
    const left = this.departures.get(connection)?.get(roomId);
    if (left !== undefined && left > seq) return null;
    const from = Math.max(seq, this.sequencer.passedOn(roomId) ?? seq);
    connection.streams?.open(roomId, from);
    if (this.registry.joinRoom(connection, roomId)) this.follow(roomId, from);
    return connection.streams?.sentIn(roomId) ?? from;
  }

  private receive(event: ChatEvent): void {
    if (!isRoomEvent(event)) return this.broadcaster.dispatch(event);
    if (!this.sequencer.isFollowing(event.roomId)) {
      // A room starts being followed here when one of its members is; the general room always.
      const joinsHere =
        event.type === 'member.joined' && this.registry.socketsOf(event.member.user_id).size > 0;
      if (event.roomId !== GENERAL_ROOM_ID && !joinsHere) return;
      this.follow(event.roomId, event.seq - 1);
    }
    this.sequencer.accept(event);
  }

  private follow(roomId: number, seq: number): void {
    if (this.sequencer.isFollowing(roomId)) return;
    this.sequencer.follow(roomId, seq);
    if (roomId === GENERAL_ROOM_ID) return;
    // Published by others before the subscription held: read once it holds.
    void this.events.watchRoom(roomId).then((subscribed) => {
      if (subscribed) void this.sweep([roomId]);
    });
  }

  private roomEmptied(roomId: number): void {
    if (roomId === GENERAL_ROOM_ID || !this.sequencer.isFollowing(roomId)) return;
    this.sequencer.unfollow(roomId);
    this.events.unwatchRoom(roomId);
  }

  /** A room's next change, in order. */
  private emit(event: RoomEvent): void {
    try {
      if (event.type === 'member.joined') this.memberJoined(event);
      else if (event.type === 'member.left') this.memberLeft(event);
      this.broadcaster.dispatchRoom(event);
    } catch (error) {
      this.logger.error(`Room ${event.roomId}: ${event.type} not shown`, (error as Error).stack);
    }
  }

  /** The new member's sockets here join the room: room.added, then its changes after this one. */
  private memberJoined(event: MemberJoinedEvent): void {
    for (const connection of this.registry.socketsOf(event.member.user_id)) {
      if (connection.streams?.has(event.roomId)) continue;
      this.join(connection, event.roomId, event.seq);
      connection.send(roomAddedFrame(event.room, event.seq));
    }
  }

  /** The member's sockets here leave the room at once: room.removed, and nothing more of it. */
  private memberLeft(event: MemberLeftEvent): void {
    for (const connection of this.registry.socketsOf(event.userId)) {
      if (!connection.streams?.has(event.roomId)) {
        this.noteDeparture(connection, event.roomId, event.seq);
        continue;
      }
      this.registry.leaveRoom(connection, event.roomId);
      connection.send(roomRemovedFrame(event.roomId, event.seq, event.reason));
    }
  }

  private noteDeparture(connection: ClientConnection, roomId: number, seq: number): void {
    const departures = this.departures.get(connection) ?? new Map<number, number>();
    departures.set(roomId, seq);
    this.departures.set(connection, departures);
  }

  private async read(roomId: number, afterSeq: number, upToSeq: number): Promise<RoomEvent[]> {
    const events: RoomEvent[] = [];
    for await (const page of this.history.eventsBetween(
      roomId,
      afterSeq,
      upToSeq,
      READ_PAGE,
      true,
    )) {
      events.push(...page);
    }
    this.metrics.roomChangesFilled.inc(events.length);
    return events;
  }

  /**
   * Reads what rooms changed while this instance could not hear it: all the followed rooms (the
   * general room among them, from the start) after the bus was away, one room once its
   * subscription holds. (What this instance published meanwhile, the bus sends once it is back.)
   */
  private async sweep(only?: number[]): Promise<void> {
    let lastSeqs: Map<number, number>;
    try {
      lastSeqs = await this.history.lastSeqs(only ?? this.sequencer.followedRooms());
    } catch (error) {
      this.logger.debug(`Room sweep skipped: ${(error as Error).message}`);
      return;
    }
    this.sequencer.sweep(lastSeqs);
  }
}
