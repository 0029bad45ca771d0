import type { Room, RoomMessage } from './protocol';
import { applyEvent, RoomEventsContext } from './room-events';
import { RoomSequence } from './room-sequence';
import { RoomsStore } from './rooms-store';

const ME = 7;
const OTHER = 8;

function room(id: number, lastSeq: number): Room {
  return {
    id,
    kind: 'public',
    name: `room ${id}`,
    topic: '',
    created_at: '2026-01-01T00:00:00.000Z',
    member_count: 2,
    last_seq: lastSeq,
    archived: false,
  };
}

function message(roomId: number, seq: number, userId = OTHER): RoomMessage {
  return {
    message_id: 1000 + seq,
    room_id: roomId,
    seq,
    user_id: userId,
    name: 'someone',
    role: 1,
    user_avatar: '/static/a.webp',
    message: `message ${seq}`,
    time_send: '00:00:00',
    created_at: '2026-01-01T00:00:00.000Z',
    edited: false,
    edited_at: null,
  };
}

/** The page's state without its DOM: the rooms, their numbers, and what was reported. */
function page(current = 1) {
  const store = new RoomsStore({ myId: () => ME, fetchMembers: async () => [] });
  const sequence = new RoomSequence();
  const gone: number[] = [];
  const delivered: string[] = [];
  const context: RoomEventsContext = {
    store,
    sequence,
    myId: () => ME,
    current: () => current,
    list: () => undefined,
    delivered: (clientId) => delivered.push(clientId),
    roomGone: (roomId) => {
      gone.push(roomId);
      store.remove(roomId);
      sequence.forget(roomId);
    },
    roomChanged: () => undefined,
    userChanged: () => undefined,
    report: (error) => {
      throw error;
    },
  };
  const add = (r: Room) => {
    store.put(r);
    sequence.follow(r.id, r.last_seq);
  };
  return { store, sequence, context, gone, delivered, add };
}

const unread = (store: RoomsStore, roomId: number) => store.get(roomId)?.unread;

describe('applyEvent', () => {
  it('counts a message from someone else in a room not on screen once, however often it comes', () => {
    const { store, context, add } = page();
    add(room(2, 4));
    const frame = { type: 'message.new' as const, room_id: 2, seq: 5, message: message(2, 5) };
    applyEvent(frame, context);
    applyEvent(frame, context);
    expect(unread(store, 2)).toBe(1);
  });

  it('drops changes at or below the number the room was listed with', () => {
    const { store, context, add } = page();
    add(room(2, 10));
    for (const seq of [3, 9, 10]) {
      applyEvent({ type: 'message.new', room_id: 2, seq, message: message(2, seq) }, context);
    }
    expect(unread(store, 2)).toBe(0);
    applyEvent({ type: 'message.new', room_id: 2, seq: 11, message: message(2, 11) }, context);
    expect(unread(store, 2)).toBe(1);
  });

  it('counts nothing for the room on screen or for the reader’s own messages', () => {
    const { store, context, add } = page(2);
    add(room(2, 0));
    add(room(3, 0));
    applyEvent({ type: 'message.new', room_id: 2, seq: 1, message: message(2, 1) }, context);
    applyEvent({ type: 'message.new', room_id: 3, seq: 1, message: message(3, 1, ME) }, context);
    expect([unread(store, 2), unread(store, 3)]).toEqual([0, 0]);
  });

  it('hands on the sender’s client_id so the message stops being pending', () => {
    const { context, delivered, add } = page();
    add(room(1, 0));
    const frame = { type: 'message.new' as const, room_id: 1, seq: 1, message: message(1, 1, ME) };
    applyEvent({ ...frame, client_id: 'abc' }, context);
    expect(delivered).toEqual(['abc']);
  });

  it('after recovered: false follows the room from the server’s number, lower or higher', () => {
    const { sequence, context, add } = page();
    add(room(2, 50));
    applyEvent({ type: 'resumed', room_id: 2, recovered: false, last_seq: 20 }, context);
    expect(sequence.resumePoints()).toEqual({ '2': 20 });
    applyEvent({ type: 'resumed', room_id: 2, recovered: false, last_seq: 2000 }, context);
    expect(sequence.resumePoints()).toEqual({ '2': 2000 });
    applyEvent({ type: 'resumed', room_id: 2, recovered: true, last_seq: 1 }, context);
    expect(sequence.resumePoints()).toEqual({ '2': 2000 });
  });

  it('lists a room it is added to, and forgets one it is removed from', () => {
    const { store, sequence, context, gone } = page();
    applyEvent({ type: 'room.added', room_id: 4, seq: 3, room: room(4, 3) }, context);
    expect(store.has(4)).toBe(true);
    expect(sequence.resumePoints()).toEqual({ '4': 3 });
    applyEvent({ type: 'room.removed', room_id: 4, seq: 4, reason: 'removed' }, context);
    expect(gone).toEqual([4]);
    expect(store.has(4)).toBe(false);
    expect(sequence.resumePoints()).toEqual({});
  });

  it('treats its own member.left as leaving the room, another’s as a smaller member count', () => {
    const { store, context, gone, add } = page();
    add(room(2, 0));
    applyEvent(
      { type: 'member.left', room_id: 2, seq: 1, user_id: OTHER, reason: 'left' },
      context,
    );
    expect(store.get(2)?.room.member_count).toBe(1);
    applyEvent(
      { type: 'member.left', room_id: 2, seq: 2, user_id: ME, reason: 'removed' },
      context,
    );
    expect(gone).toEqual([2]);
  });
});
