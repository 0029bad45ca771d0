import type { EventFrame, RoomMessage } from '@chat/protocol';
import { ChatStore } from './chat-store';

const ME = 7;

function message(seq: number, userId = 8, roomId = 1): RoomMessage {
  return {
    message_id: 100 + seq,
    user_id: userId,
    name: `user${userId}`,
    role: 1,
    user_avatar: '/a.png',
    message: `text ${seq}`,
    time_send: '12:00:00',
    created_at: '2030-01-01T12:00:00.000Z',
    edited: false,
    room_id: roomId,
    seq,
    edited_at: null,
    mentions: [],
  };
}

const arrived = (m: RoomMessage): EventFrame => ({
  type: 'message.new',
  room_id: m.room_id,
  seq: m.seq,
  message: m,
});

const seqs = (store: ChatStore, roomId = 1) => store.room(roomId)?.messages.map((m) => m.seq);

describe('ChatStore', () => {
  it('adds arriving messages and counts those of others as unread until markRead', () => {
    const store = new ChatStore(() => ME, 500);
    [message(1), message(2, ME), message(3)].forEach((m) => store.apply(arrived(m)));
    expect(store.room(1)).toMatchObject({ roomId: 1, unread: 2, mentions: 0, lastReadSeq: 0 });
    expect(seqs(store)).toEqual([1, 2, 3]);
    store.markRead(1, 3);
    expect(store.room(1)).toMatchObject({ unread: 0, lastReadSeq: 3 });
  });

  it('applies edits and deletions to the message they name', () => {
    const store = new ChatStore(() => ME, 500);
    [message(1), message(2)].forEach((m) => store.apply(arrived(m)));
    const at = '2030-01-01T12:05:00.000Z';
    store.apply({
      type: 'message.updated',
      room_id: 1,
      seq: 3,
      message_id: 101,
      text: 'fixed',
      edited_at: at,
    });
    store.apply({ type: 'message.deleted', room_id: 1, seq: 4, message_id: 102 });
    expect(store.room(1)?.messages).toEqual([
      { ...message(1), message: 'fixed', edited: true, edited_at: at },
    ]);
  });

  it('merges a history page in number order, without repeating what it holds', () => {
    const store = new ChatStore(() => ME, 500);
    store.apply(arrived(message(5)));
    store.addMessages(1, [message(4), message(5), message(2), message(3)]);
    expect(seqs(store)).toEqual([2, 3, 4, 5]);
    store.apply(arrived(message(5)));
    expect(seqs(store)).toEqual([2, 3, 4, 5]);
  });

  it('keeps only the newest messages of a room', () => {
    const store = new ChatStore(() => ME, 3);
    store.addMessages(
      1,
      [1, 2, 3].map((seq) => message(seq)),
    );
    store.apply(arrived(message(4)));
    expect(seqs(store)).toEqual([2, 3, 4]);
    store.addMessages(1, [message(0)]);
    expect(seqs(store)).toEqual([2, 3, 4]);
  });

  it('empties a room resumed without recovery, and forgets a room the user left', () => {
    const store = new ChatStore(() => ME, 500);
    store.apply(arrived(message(1)));
    store.apply(arrived(message(1, 8, 2)));
    store.apply({ type: 'resumed', room_id: 1, recovered: false, last_seq: 90 });
    expect(store.room(1)?.messages).toEqual([]);
    store.apply({ type: 'room.removed', room_id: 2, seq: 2, reason: 'left' });
    expect(store.roomIds()).toEqual([1]);
  });

  it('tells subscribers which room changed, until they unsubscribe', () => {
    const store = new ChatStore(() => ME, 500);
    const changed: number[] = [];
    const stop = store.subscribe((roomId) => changed.push(roomId));
    store.apply(arrived(message(1, 8, 3)));
    store.markRead(3, 1);
    store.markRead(3, 1);
    stop();
    store.apply(arrived(message(2, 8, 3)));
    expect(changed).toEqual([3, 3]);
  });

  it('takes unread frames as exact as of their number, and read frames as the marker', () => {
    const store = new ChatStore(() => ME, 500);
    [message(1), message(2), message(3)].forEach((m) => store.apply(arrived(m)));
    store.apply({
      type: 'unread',
      room_id: 1,
      unread: 1,
      mentions: 0,
      last_read_seq: 1,
      last_seq: 2,
    });
    expect(store.room(1)).toMatchObject({ unread: 2, mentions: 0, lastReadSeq: 1 });
    store.apply({ type: 'read', room_id: 1, seq: 3 });
    expect(store.room(1)).toMatchObject({ unread: 0, mentions: 0, lastReadSeq: 3 });
  });

  it('keeps presence per user, the online count of a room, and who else types', () => {
    jest.useFakeTimers();
    try {
      const store = new ChatStore(() => ME, 500);
      const users: number[] = [];
      store.subscribePresence((userId) => users.push(userId));
      store.apply({ type: 'presence', user_id: 8, status: 'away' });
      store.apply({ type: 'presence', user_id: 8, status: 'away' });
      store.apply({ type: 'presence.count', room_id: 2, online: 31 });
      store.apply({ type: 'typing', room_id: 2, user_id: ME });
      store.apply({ type: 'typing', room_id: 2, user_id: 8 });
      expect([store.presence(8), store.presence(9), users]).toEqual(['away', undefined, [8]]);
      expect(store.room(2)).toMatchObject({ online: 31, typing: [8] });
      store.forget(2);
      jest.runAllTimers();
      expect(store.room(2)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});
