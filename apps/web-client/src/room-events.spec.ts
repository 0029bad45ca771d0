import type { EventFrame, RoomMessage, RoomSummary } from '@chat/client';
import { applyEvent, RoomEventsContext, showRoomEvents, ShownMessages } from './room-events';
import { RoomsStore } from './rooms-store';

const ME = 7;
const OTHER = 8;

function room(id: number): RoomSummary {
  return {
    id,
    kind: 'public',
    name: `room ${id}`,
    topic: '',
    created_at: '2026-01-01T00:00:00.000Z',
    member_count: 2,
    last_seq: 0,
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
    mentions: [],
  };
}

const newMessage = (roomId: number, seq: number, userId = OTHER): EventFrame => ({
  type: 'message.new',
  room_id: roomId,
  seq,
  message: message(roomId, seq, userId),
});

/** The page's state without its DOM: the rooms, what each list was told, and rooms left. */
function page() {
  const store = new RoomsStore({ myId: () => ME, fetchMembers: async () => [] });
  const told: string[] = [];
  const lists = new Map<number, ShownMessages>();
  const listFor = (roomId: number): ShownMessages => ({
    show: (m) => told.push(`${roomId} show ${m.message_id}`),
    edited: (id, edit) =>
      told.push(`${roomId} edited ${id} ${edit.message} mentions ${edit.mentions?.join()}`),
    removed: (id) => told.push(`${roomId} removed ${id}`),
    reload: async () => void told.push(`${roomId} reload`),
  });
  const gone: number[] = [];
  const context: RoomEventsContext = {
    store,
    myId: () => ME,
    list: (roomId) => lists.get(roomId),
    roomGone: (roomId) => {
      gone.push(roomId);
      store.remove(roomId);
    },
    roomChanged: () => undefined,
    userChanged: () => undefined,
    report: (error) => {
      throw error;
    },
  };
  const add = (id: number, shown = false) => {
    store.put(room(id));
    if (shown) lists.set(id, listFor(id));
  };
  return { store, context, told, gone, add };
}

describe('applyEvent', () => {
  it('shows new, edited and deleted messages in the list of their room, if it has one', () => {
    const { context, told, add } = page();
    add(2, true);
    add(3);
    applyEvent(newMessage(2, 1), context);
    applyEvent(newMessage(3, 1), context);
    applyEvent(
      {
        type: 'message.updated',
        room_id: 2,
        seq: 2,
        message_id: 1001,
        text: 'better @someone',
        edited_at: '2026-01-01T00:01:00.000Z',
        mentions: [ME],
      },
      context,
    );
    applyEvent({ type: 'message.deleted', room_id: 2, seq: 3, message_id: 1001 }, context);
    expect(told).toEqual([
      '2 show 1001',
      `2 edited 1001 better @someone mentions ${ME}`,
      '2 removed 1001',
    ]);
  });

  it('leaves presence, typing and counts to the SDK’s store', () => {
    const { context, told, add } = page();
    add(2, true);
    applyEvent({ type: 'typing', room_id: 2, user_id: OTHER }, context);
    applyEvent({ type: 'presence', user_id: OTHER, status: 'away' }, context);
    applyEvent({ type: 'read', room_id: 2, seq: 4 }, context);
    expect(told).toEqual([]);
  });

  it('reloads a room’s newest page after recovered: false, and only then', () => {
    const { context, told, add } = page();
    add(2, true);
    applyEvent({ type: 'resumed', room_id: 2, recovered: true, last_seq: 10 }, context);
    expect(told).toEqual([]);
    applyEvent({ type: 'resumed', room_id: 2, recovered: false, last_seq: 2000 }, context);
    expect(told).toEqual(['2 reload']);
  });

  it('lists a room it is added to, and forgets one it is removed from', () => {
    const { store, context, gone } = page();
    applyEvent({ type: 'room.added', room_id: 4, seq: 3, room: room(4) }, context);
    expect(store.has(4)).toBe(true);
    applyEvent({ type: 'room.removed', room_id: 4, seq: 4, reason: 'removed' }, context);
    expect(gone).toEqual([4]);
    expect(store.has(4)).toBe(false);
  });

  it('treats its own member.left as leaving the room, another’s as a smaller member count', () => {
    const { store, context, gone, add } = page();
    add(2);
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

describe('showRoomEvents', () => {
  it('applies each frame the client hands on, until stopped', () => {
    const listeners = new Map<string, (frame: EventFrame) => void>();
    const client = {
      on: (type: string, listener: (frame: EventFrame) => void) => {
        listeners.set(type, listener);
        return () => listeners.delete(type);
      },
    };
    const { store, context, add } = page();
    add(2);
    const stop = showRoomEvents(client as never, context);
    expect([...listeners.keys()]).toEqual(['frame']);
    listeners.get('frame')!({
      type: 'room.updated',
      room_id: 2,
      seq: 1,
      room: { ...room(2), topic: 'new' },
    });
    expect(store.get(2)?.room.topic).toBe('new');
    stop();
    expect(listeners.size).toBe(0);
  });
});
