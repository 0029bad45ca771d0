import type { EventFrame, RoomMessage } from '@chat/protocol';

/** What the store keeps of one room. */
export interface RoomState {
  roomId: number;
  /** The newest messages known, oldest first, at most `keepMessages` of them. */
  messages: RoomMessage[];
  /** Messages from others since `markRead`. */
  unread: number;
}

/**
 * A small store per room for apps that want one: the messages as the socket and history pages
 * show them, kept in number order with edits and deletes applied, and an unread count.
 */
export class ChatStore {
  private readonly rooms = new Map<number, RoomState>();
  private readonly listeners = new Set<(roomId: number) => void>();

  constructor(
    private readonly myId: () => number | undefined,
    private readonly keepMessages: number,
  ) {}

  room(roomId: number): RoomState | undefined {
    return this.rooms.get(roomId);
  }

  roomIds(): number[] {
    return [...this.rooms.keys()];
  }

  /** Calls `listener` with a room's id whenever that room's state changes. */
  subscribe(listener: (roomId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds messages read over HTTP (a history page, in any order). */
  addMessages(roomId: number, messages: RoomMessage[]): void {
    const state = this.ensure(roomId);
    const bySeq = new Map(state.messages.map((message) => [message.seq, message]));
    for (const message of messages) bySeq.set(message.seq, message);
    state.messages = this.trim([...bySeq.values()].sort((a, b) => a.seq - b.seq));
    this.changed(roomId);
  }

  markRead(roomId: number): void {
    const state = this.rooms.get(roomId);
    if (!state || state.unread === 0) return;
    state.unread = 0;
    this.changed(roomId);
  }

  /** The room's history is no longer complete (`recovered: false`): apps reload it. */
  reset(roomId: number): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    state.messages = [];
    this.changed(roomId);
  }

  forget(roomId: number): void {
    if (this.rooms.delete(roomId)) this.changed(roomId);
  }

  /** Applies a change that came on the socket (each one once, in order). */
  apply(frame: EventFrame): void {
    switch (frame.type) {
      case 'message.new': {
        const state = this.ensure(frame.room_id);
        if (!state.messages.some((message) => message.seq === frame.seq)) {
          state.messages = this.trim([...state.messages, frame.message]);
        }
        if (frame.message.user_id !== this.myId()) state.unread += 1;
        return this.changed(frame.room_id);
      }
      case 'message.updated':
        return this.edit(frame.room_id, frame.message_id, (message) => ({
          ...message,
          message: frame.text,
          edited: true,
          edited_at: frame.edited_at,
        }));
      case 'message.deleted':
        return this.edit(frame.room_id, frame.message_id, () => null);
      case 'room.added':
        this.ensure(frame.room_id);
        return this.changed(frame.room_id);
      case 'room.removed':
        return this.forget(frame.room_id);
      case 'resumed':
        if (!frame.recovered) this.reset(frame.room_id);
        return;
      default:
        return;
    }
  }

  private edit(roomId: number, messageId: number, change: (m: RoomMessage) => RoomMessage | null) {
    const state = this.rooms.get(roomId);
    const index = state?.messages.findIndex((message) => message.message_id === messageId) ?? -1;
    if (!state || index < 0) return;
    const changed = change(state.messages[index]);
    state.messages = changed
      ? state.messages.with(index, changed)
      : state.messages.filter((_, i) => i !== index);
    this.changed(roomId);
  }

  private ensure(roomId: number): RoomState {
    let state = this.rooms.get(roomId);
    if (!state) this.rooms.set(roomId, (state = { roomId, messages: [], unread: 0 }));
    return state;
  }

  private trim(messages: RoomMessage[]): RoomMessage[] {
    return messages.length > this.keepMessages ? messages.slice(-this.keepMessages) : messages;
  }

  private changed(roomId: number): void {
    for (const listener of this.listeners) listener(roomId);
  }
}
