import fc from 'fast-check';
import { ChatEvent } from './chat-events';
import { isChatEvent, parseEnvelope } from './event-envelope';

const id = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const message = fc.record({
  message_id: id,
  user_id: id,
  name: fc.string(),
  role: fc.integer({ min: 1, max: 3 }),
  user_avatar: fc.string(),
  message: fc.string(),
  time_send: fc.string(),
  created_at: fc.string(),
  edited: fc.boolean(),
});

const room = fc.record({
  id,
  kind: fc.constantFrom('public' as const, 'private' as const, 'direct' as const),
  name: fc.option(fc.string(), { nil: null }),
  topic: fc.string(),
  created_at: fc.string(),
  member_count: fc.nat(),
  last_seq: fc.nat(),
  archived: fc.boolean(),
});
const member = fc.record({
  user_id: id,
  name: fc.string(),
  role: fc.integer({ min: 1, max: 3 }),
  user_avatar: fc.string(),
  room_role: fc.constantFrom('owner' as const, 'member' as const),
});
const change = { roomId: id, seq: id };

/** Every kind of ChatEvent, with any values of the right types. */
const chatEvent: fc.Arbitrary<ChatEvent> = fc.oneof(
  fc.record(
    {
      type: fc.constant('message.created' as const),
      ...change,
      message,
      clientId: fc.string(),
      editedAt: fc.string(),
    },
    { requiredKeys: ['type', 'roomId', 'seq', 'message'] },
  ),
  fc.record(
    {
      type: fc.constant('message.updated' as const),
      ...change,
      messageId: id,
      text: fc.string(),
      editedAt: fc.string(),
      messageSeq: id,
      authorId: id,
    },
    { requiredKeys: ['type', 'roomId', 'seq', 'messageId', 'text', 'editedAt'] },
  ),
  fc.record(
    {
      type: fc.constant('message.deleted' as const),
      ...change,
      messageId: id,
      messageSeq: id,
      authorId: id,
    },
    { requiredKeys: ['type', 'roomId', 'seq', 'messageId'] },
  ),
  fc.record({ type: fc.constant('member.joined' as const), ...change, member, room }),
  fc.record({
    type: fc.constant('member.left' as const),
    ...change,
    userId: id,
    reason: fc.constantFrom('left' as const, 'removed' as const),
  }),
  fc.record({ type: fc.constant('room.updated' as const), ...change, room }),
  fc.record({ type: fc.constant('sessions.revoked' as const), sessionIds: fc.array(fc.uuid()) }),
  fc.record({ type: fc.constant('avatar.changed' as const), userId: id, avatar: fc.string() }),
  fc.record({
    type: fc.constant('user.updated' as const),
    userId: id,
    name: fc.string(),
    role: fc.integer({ min: 1, max: 3 }),
    avatar: fc.string(),
  }),
  fc.record({
    type: fc.constant('user.deleted' as const),
    userId: id,
    previousAvatar: fc.string(),
  }),
);

/** The paths to every field of a value, nested objects included. */
function fieldPaths(value: object, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([key, field]) =>
    typeof field === 'object' && field !== null && !Array.isArray(field)
      ? [[...prefix, key], ...fieldPaths(field, [...prefix, key])]
      : [[...prefix, key]],
  );
}

function withField(value: object, path: string[], replacement: unknown): object {
  const copy = structuredClone(value) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (replacement === undefined) delete target[path.at(-1)!];
  else target[path.at(-1)!] = replacement;
  return copy;
}

describe('parseEnvelope', () => {
  it('reads back every valid event as it was sent', () => {
    fc.assert(
      fc.property(fc.uuid(), chatEvent, (origin, event) => {
        expect(parseEnvelope(JSON.stringify({ origin, event }))).toEqual({ origin, event });
      }),
    );
  });

  it('refuses an event with any field missing or of another type', () => {
    const otherValue = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constant(-1),
      fc.constant(1.5),
      fc.boolean(),
      fc.constant({}),
      fc.constant([1]),
    );
    fc.assert(
      fc.property(chatEvent, fc.nat(), otherValue, (event, pick, replacement) => {
        const optional = (path: string[]) =>
          path.length === 1 &&
          (['clientId', 'messageSeq', 'authorId'].includes(path[0]) ||
            (path[0] === 'editedAt' && event.type === 'message.created'));
        const nullable = (path: string[]) => path.join('.') === 'room.name';
        const paths = fieldPaths(event).filter(
          (path) =>
            !(optional(path) && replacement === undefined) &&
            !(nullable(path) && replacement === null),
        );
        const path = paths[pick % paths.length];
        const broken = withField(event, path, replacement);
        // Only other types are tried: a boolean stays valid for a boolean field (`edited`).
        const original = path.reduce<unknown>(
          (value, key) => (value as Record<string, unknown>)[key],
          event,
        );
        fc.pre(!(typeof original === 'boolean' && typeof replacement === 'boolean'));
        expect(parseEnvelope(JSON.stringify({ origin: 'other', event: broken }))).toBeUndefined();
      }),
    );
  });

  it('never throws on any text, and returns only valid events', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (payload) => {
          const envelope = parseEnvelope(payload);
          if (envelope) expect(isChatEvent(envelope.event)).toBe(true);
        },
      ),
    );
  });

  it.each([
    ['not JSON', '{'],
    ['no origin', JSON.stringify({ event: { type: 'message.deleted', messageId: 1 } })],
    ['an unknown type', JSON.stringify({ origin: 'o', event: { type: 'rooms.dropped' } })],
    ['an inherited type', JSON.stringify({ origin: 'o', event: { type: 'toString' } })],
    [
      'an id that is a string',
      JSON.stringify({ origin: 'o', event: { type: 'message.deleted', messageId: '1' } }),
    ],
    ['a list', JSON.stringify([{ origin: 'o' }])],
  ])('refuses %s', (_, payload) => {
    expect(parseEnvelope(payload)).toBeUndefined();
  });
});
