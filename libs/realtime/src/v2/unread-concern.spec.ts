import { ChatMessage, RoomEvent } from '@chat/events';
import { unreadConcern } from './unread-concern';

const message = (userId: number) => ({ message_id: 9, user_id: userId }) as ChatMessage;
const created = (mentions?: number[]): RoomEvent => ({
  type: 'message.created',
  roomId: 5,
  seq: 12,
  message: message(1),
  mentions,
});
const updated = (fields: Partial<Extract<RoomEvent, { type: 'message.updated' }>>): RoomEvent => ({
  type: 'message.updated',
  roomId: 5,
  seq: 20,
  messageId: 9,
  text: 'edited',
  editedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});

describe('unreadConcern', () => {
  it('a new message concerns the users it mentions but its author, about itself', () => {
    expect(unreadConcern(created([1, 2, 3]))).toEqual({
      message: { seq: 12, authorId: 1 },
      users: [2, 3],
    });
  });

  it('a new message that mentions no one, or only its author, concerns no one', () => {
    expect(unreadConcern(created())).toBeNull();
    expect(unreadConcern(created([1]))).toBeNull();
  });

  it("an edit concerns the users it added to or took out of the mentions, about the message's place", () => {
    const event = updated({
      previousMentions: [2, 3],
      mentions: [3, 4],
      messageSeq: 12,
      authorId: 1,
    });
    expect(unreadConcern(event)).toEqual({ message: { seq: 12, authorId: 1 }, users: [4, 2] });
  });

  it('an edit that keeps the mentions, or one logged without its place, concerns no one', () => {
    expect(
      unreadConcern(updated({ previousMentions: [2], mentions: [2], messageSeq: 12, authorId: 1 })),
    ).toBeNull();
    expect(unreadConcern(updated({ mentions: [2] }))).toBeNull();
  });

  it('a deletion concerns every member, about the deleted message; one logged without it no one', () => {
    expect(
      unreadConcern({
        type: 'message.deleted',
        roomId: 5,
        seq: 30,
        messageId: 9,
        messageSeq: 12,
        authorId: 1,
      }),
    ).toEqual({ message: { seq: 12, authorId: 1 }, users: 'room' });
    expect(unreadConcern({ type: 'message.deleted', roomId: 5, seq: 30, messageId: 9 })).toBeNull();
  });

  it('membership and room changes concern no one', () => {
    expect(
      unreadConcern({ type: 'member.left', roomId: 5, seq: 3, userId: 2, reason: 'left' }),
    ).toBeNull();
  });
});
