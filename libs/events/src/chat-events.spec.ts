import { ChatEvent, isRoomEvent } from './chat-events';

describe('isRoomEvent', () => {
  it("takes only a room's numbered changes for room events, not a read marker's move", () => {
    const moved: ChatEvent = { type: 'read.moved', userId: 2, roomId: 5, seq: 9 };
    const unread: ChatEvent = {
      type: 'unread.changed',
      userId: 2,
      roomId: 5,
      unread: 1,
      mentions: 0,
      lastReadSeq: 8,
      lastSeq: 9,
    };
    const typing: ChatEvent = { type: 'typing', roomId: 5, userId: 2 };
    for (const event of [moved, unread, typing]) expect(isRoomEvent(event)).toBe(false);
    expect(isRoomEvent({ type: 'message.deleted', roomId: 5, seq: 9, messageId: 3 })).toBe(true);
    expect(isRoomEvent({ type: 'member.left', roomId: 5, seq: 9, userId: 3, reason: 'left' })).toBe(
      true,
    );
  });
});
