import type {
  EventFrame,
  MessageDeletedFrame,
  MessageUpdatedFrame,
  PresenceStatus,
  RoomMessage,
  UnreadCounts,
} from '@chat/protocol';
import { CountsVerdict, RoomCounts } from './room-counts';
import { TypingBoard } from './typing-board';

/** What the store knows of one room. */
export interface RoomState {
  roomId: number;
  /** The newest messages known, oldest first, at most `keepMessages` of them. */
  messages: RoomMessage[];
  /**
   * Messages after the read marker, by others, not deleted; stops at UNREAD_LIMIT (show "99+").
   * Exact once the server's counts came (`ChatClient.loadRooms`, `unread` frames); before that,
   * the messages seen live.
   */
  unread: number;
  /** Those of them that mention the user; stops at UNREAD_LIMIT. */
  mentions: number;
  /** The user's read marker: the room's number read up to, on any of their devices. */
  lastReadSeq: number;
  /** The other members typing now, in the order they started. */
  typing: number[];
  /** In a room too large for each member's presence: how many members are online or away. */
  online?: number;
}

interface Room {
  messages: RoomMessage[];
  counts: RoomCounts;
  online?: number;
}

/**
 * A small store per room for apps that want one: the messages as the socket and history pages
 * show them, kept in number order with edits and deletes applied; the unread and mention counts
 * and the read marker; who is typing; and each user's presence.
 */
export class ChatStore {
  private readonly rooms = new Map<number, Room>();
  private readonly statuses = new Map<number, PresenceStatus>();
  private readonly listeners = new Set<(roomId: number) => void>();
  private readonly presenceListeners = new Set<(userId: number) => void>();
  private readonly typingBoard = new TypingBoard((roomId) => this.changed(roomId));

  constructor(
    private readonly myId: () => number | undefined,
    private readonly keepMessages: number,
  ) {}

  room(roomId: number): RoomState | undefined {
    const room = this.rooms.get(roomId);
    if (!room) return undefined;
    const { unread, mentions, last_read_seq } = room.counts.counts();
    const state: RoomState = {
      roomId,
      messages: room.messages,
      unread,
      mentions,
      lastReadSeq: last_read_seq,
      typing: this.typingBoard.typing(roomId),
    };
    return room.online === undefined ? state : { ...state, online: room.online };
  }

  roomIds(): number[] {
    return [...this.rooms.keys()];
  }

  /** A user's status as last heard (undefined: never asked for nor told). */
  presence(userId: number): PresenceStatus | undefined {
    return this.statuses.get(userId);
  }

  /** Calls `listener` with a room's id whenever that room's state changes. */
  subscribe(listener: (roomId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with a user's id whenever that user's presence changes. */
  subscribePresence(listener: (userId: number) => void): () => void {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  }

  /** Adds messages read over HTTP (a history page, in any order). */
  addMessages(roomId: number, messages: RoomMessage[]): void {
    const room = this.ensure(roomId);
    const bySeq = new Map(room.messages.map((message) => [message.seq, message]));
    for (const message of messages) bySeq.set(message.seq, message);
    room.messages = this.trim([...bySeq.values()].sort((a, b) => a.seq - b.seq));
    this.changed(roomId);
  }

  /**
   * The server's counts, exact as of the room's number `asOf` (GET /api/v1/rooms, a read ack):
   * `stale` when older than the changes this store was given start from (load them again).
   */
  setCounts(roomId: number, counts: UnreadCounts, asOf: number): CountsVerdict {
    const verdict = this.ensure(roomId).counts.setExact(counts, asOf);
    if (verdict !== 'older') this.changed(roomId);
    return verdict;
  }

  /** The room's changes after `seq` come to this store from now on. */
  follow(roomId: number, seq: number): void {
    this.ensure(roomId).counts.follow(seq);
  }

  /** The user read the room up to `seq` here: the marker moves at once (never back). */
  markRead(roomId: number, seq: number): void {
    if (this.rooms.get(roomId)?.counts.moveMarker(seq, true)) this.changed(roomId);
  }

  setPresence(userId: number, status: PresenceStatus): void {
    if (this.statuses.get(userId) === status) return;
    this.statuses.set(userId, status);
    for (const listener of this.presenceListeners) listener(userId);
  }

  setOnline(roomId: number, online: number): void {
    const room = this.ensure(roomId);
    if (room.online === online) return;
    room.online = online;
    this.changed(roomId);
  }

  /** The room's history is no longer complete (`recovered: false`): apps reload it. */
  reset(roomId: number, lastSeq: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.messages = [];
    room.counts.reset(lastSeq);
    this.changed(roomId);
  }

  /** No one is shown typing any more (the client closed: nothing would end it). */
  clearTyping(): void {
    this.typingBoard.clear();
  }

  forget(roomId: number): void {
    this.typingBoard.forget(roomId);
    if (this.rooms.delete(roomId)) this.changed(roomId);
  }

  /** Applies a frame that came on the socket (each room change once, in order). */
  apply(frame: EventFrame): void {
    switch (frame.type) {
      case 'message.new': {
        const room = this.ensure(frame.room_id);
        room.counts.apply(frame, this.myId());
        if (!room.messages.some((message) => message.seq === frame.seq)) {
          room.messages = this.trim([...room.messages, frame.message]);
        }
        this.typingBoard.stopped(frame.room_id, frame.message.user_id);
        return this.changed(frame.room_id);
      }
      case 'message.updated':
        return this.edit(frame, (message) => ({
          ...message,
          message: frame.text,
          edited: true,
          edited_at: frame.edited_at,
          mentions: frame.mentions ?? message.mentions,
        }));
      case 'message.deleted':
        return this.edit(frame, () => null);
      case 'room.removed':
        return this.forget(frame.room_id);
      case 'room.added':
      case 'room.updated':
      case 'member.joined':
      case 'member.left':
        this.ensure(frame.room_id).counts.apply(frame, this.myId());
        return this.changed(frame.room_id);
      case 'resumed':
        if (!frame.recovered) this.reset(frame.room_id, frame.last_seq);
        return;
      case 'typing':
        if (frame.user_id === this.myId()) return;
        this.ensure(frame.room_id);
        return this.typingBoard.started(frame.room_id, frame.user_id);
      case 'read':
        if (this.ensure(frame.room_id).counts.moveMarker(frame.seq)) this.changed(frame.room_id);
        return;
      case 'unread':
        // A stale frame (older than the changes seen here start from): only its marker is taken.
        this.setCounts(frame.room_id, frame, frame.last_seq);
        return;
      case 'presence':
        return this.setPresence(frame.user_id, frame.status);
      case 'presence.count':
        return this.setOnline(frame.room_id, frame.online);
      case 'user.updated':
        return;
    }
  }

  /** An edit or a deletion: counted, and applied to the message it names if it is kept. */
  private edit(
    frame: MessageUpdatedFrame | MessageDeletedFrame,
    change: (m: RoomMessage) => RoomMessage | null,
  ): void {
    const room = this.ensure(frame.room_id);
    room.counts.apply(frame, this.myId());
    const index = room.messages.findIndex((message) => message.message_id === frame.message_id);
    if (index >= 0) {
      const changed = change(room.messages[index]);
      room.messages = changed
        ? room.messages.with(index, changed)
        : room.messages.filter((_, i) => i !== index);
    }
    this.changed(frame.room_id);
  }

  private ensure(roomId: number): Room {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = { messages: [], counts: new RoomCounts() }));
    return room;
  }

  private trim(messages: RoomMessage[]): RoomMessage[] {
    return messages.length > this.keepMessages ? messages.slice(-this.keepMessages) : messages;
  }

  private changed(roomId: number): void {
    for (const listener of this.listeners) listener(roomId);
  }
}
