import fc from 'fast-check';
import { ChatEvent, ChatMessage } from '@chat/events';
import { eventFrame } from './event-frames';

const message: ChatMessage = {
  message_id: 42,
  user_id: 7,
  name: 'ann',
  role: 1,
  user_avatar: '/static/a.webp',
  message: 'hi',
  time_send: '12:00:00',
  created_at: '2026-01-01T12:00:00.000Z',
  edited: false,
};
const messageJson =
  '{"message_id":42,"user_id":7,"name":"ann","role":1,"user_avatar":"/static/a.webp",' +
  '"message":"hi","time_send":"12:00:00","created_at":"2026-01-01T12:00:00.000Z","edited":false';

/** The general room, where the compat frames are shown. */
const at = { roomId: 1, seq: 1 };

describe('eventFrame', () => {
  it.each<[ChatEvent, string]>([
    [{ type: 'message.created', ...at, message }, `${messageJson}}`],
    [
      { type: 'message.created', ...at, message, clientId: 'k1' },
      `${messageJson},"client_id":"k1"}`,
    ],
    [
      {
        type: 'message.updated',
        ...at,
        messageId: 42,
        text: 'edited',
        editedAt: '2026-01-01T12:00:01.000Z',
      },
      '{"event":"update","message_id":42,"new_message":"edited"}',
    ],
    [{ type: 'message.deleted', ...at, messageId: 42 }, '{"event":"delete","message_id":42}'],
    [
      { type: 'avatar.changed', userId: 7, avatar: '/static/b.webp' },
      '{"event":"avatar","user_id":7,"user_avatar":"/static/b.webp"}',
    ],
    [
      { type: 'user.updated', userId: 7, name: 'bea', role: 2, avatar: '/static/b.webp' },
      '{"event":"user","user_id":7,"name":"bea","role":2,"user_avatar":"/static/b.webp"}',
    ],
  ])('shows %j to clients as its frame', (event, json) => {
    expect(JSON.stringify(eventFrame(event))).toBe(json);
  });

  it.each<ChatEvent>([
    { type: 'user.deleted', userId: 7, previousAvatar: '/static/a.webp' },
    { type: 'sessions.revoked', sessionIds: ['s1'] },
    { type: 'member.left', ...at, userId: 7, reason: 'left' },
  ])('broadcasts no frame for $type', (event) => {
    expect(eventFrame(event)).toBeNull();
  });

  it('sends any new message in its own key order, the client_id last', () => {
    const anyMessage = fc.record({
      message_id: fc.nat(),
      user_id: fc.nat(),
      name: fc.string(),
      role: fc.integer({ min: 1, max: 3 }),
      user_avatar: fc.string(),
      message: fc.string(),
      time_send: fc.string(),
      created_at: fc.string(),
      edited: fc.boolean(),
    });
    fc.assert(
      fc.property(anyMessage, fc.option(fc.string({ minLength: 1 })), (stored, clientId) => {
        const frame = eventFrame({
          type: 'message.created',
          ...at,
          message: stored,
          clientId: clientId ?? undefined,
        });
        const expected = clientId === null ? stored : { ...stored, client_id: clientId };
        expect(JSON.stringify(frame)).toBe(JSON.stringify(expected));
        expect(Object.keys(frame!).at(-1)).toBe(clientId === null ? 'edited' : 'client_id');
      }),
    );
  });
});
