import { Static, Type } from '@sinclair/typebox';

/*
 * The shapes the server shows, as JSON Schema (TypeBox): each is both a TypeScript type and a
 * runtime check. Objects allow properties they do not list, so a client keeps working when a
 * later server adds a field.
 */

const Id = Type.Integer({ minimum: 1 });
const Seq = Type.Integer({ minimum: 0 });
const Role = Type.Integer({ minimum: 1, maximum: 3, description: '1 user, 2 moderator, 3 admin' });
const Iso = Type.String({ description: 'ISO 8601, UTC' });

/** A chat message in the compat shape (the seed's client reads this). */
export const ChatMessageSchema = Type.Object(
  {
    message_id: Id,
    user_id: Id,
    name: Type.String(),
    role: Role,
    user_avatar: Type.String({ description: 'a path on the server' }),
    message: Type.String(),
    time_send: Type.String({ description: 'HH:MM:SS in the server time zone' }),
    created_at: Iso,
    edited: Type.Boolean(),
  },
  { $id: 'ChatMessage' },
);
export type ChatMessage = Static<typeof ChatMessageSchema>;

/** A message as v2 shows it: the compat shape with its room, its number there and edit time. */
export const RoomMessageSchema = Type.Composite(
  [
    ChatMessageSchema,
    Type.Object({
      room_id: Id,
      seq: Seq,
      edited_at: Type.Union([Iso, Type.Null()]),
      mentions: Type.Array(Id, {
        description: 'the users its @names named when it was sent or last edited',
      }),
    }),
  ],
  { $id: 'RoomMessage' },
);
export type RoomMessage = Static<typeof RoomMessageSchema>;

export const RoomKindSchema = Type.Union([
  Type.Literal('public'),
  Type.Literal('private'),
  Type.Literal('direct'),
]);
export type RoomKind = Static<typeof RoomKindSchema>;

export const RoomRoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('member')]);
export type RoomRole = Static<typeof RoomRoleSchema>;

/** A room as every member sees it. */
export const RoomSummarySchema = Type.Object(
  {
    id: Id,
    kind: RoomKindSchema,
    name: Type.Union([Type.String(), Type.Null()], { description: 'null for a direct room' }),
    topic: Type.String(),
    created_at: Iso,
    member_count: Type.Integer({ minimum: 0 }),
    last_seq: Seq,
    archived: Type.Boolean(),
  },
  { $id: 'RoomSummary' },
);
export type RoomSummary = Static<typeof RoomSummarySchema>;

/** A user as a room shows them. */
export const RoomUserSchema = Type.Object(
  { user_id: Id, name: Type.String(), role: Role, user_avatar: Type.String() },
  { $id: 'RoomUser' },
);
export type RoomUser = Static<typeof RoomUserSchema>;

export const RoomMemberSchema = Type.Composite(
  [RoomUserSchema, Type.Object({ room_role: RoomRoleSchema })],
  { $id: 'RoomMember' },
);
export type RoomMember = Static<typeof RoomMemberSchema>;

/** A room as HTTP shows it to its reader: with the reader's room role and a DM's other member. */
export const RoomViewSchema = Type.Composite(
  [
    RoomSummarySchema,
    Type.Object({
      room_role: Type.Union([RoomRoleSchema, Type.Null()], {
        description: 'null: a public room the reader is not in',
      }),
      peer: Type.Union([RoomUserSchema, Type.Null()], {
        description: 'the other member of a direct room; null for other rooms',
      }),
    }),
  ],
  { $id: 'RoomView' },
);
export type RoomView = Static<typeof RoomViewSchema>;

/** Unread and mention counts stop at this number: the client shows it as "99+". */
export const UNREAD_LIMIT = 100;

const count = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: UNREAD_LIMIT,
    description: `${description}; stops at ${UNREAD_LIMIT}`,
  });

/** The caller's unread state in a room, counted from its read marker. */
export const UnreadCountsSchema = Type.Object(
  {
    unread: count('messages after the marker, by others, not deleted'),
    mentions: count('those of them that mention the caller'),
    last_read_seq: Type.Integer({ minimum: 0, description: "the caller's read marker" }),
  },
  { $id: 'UnreadCounts' },
);
export type UnreadCounts = Static<typeof UnreadCountsSchema>;

/** One of the caller's rooms in `GET /api/v1/rooms`. */
export const MyRoomSchema = Type.Composite(
  [
    RoomViewSchema,
    UnreadCountsSchema,
    Type.Object({ last_message: Type.Union([RoomMessageSchema, Type.Null()]) }),
  ],
  { $id: 'MyRoom' },
);
export type MyRoom = Static<typeof MyRoomSchema>;

export const PresenceStatusSchema = Type.Union(
  [Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')],
  { description: "the most active of the user's sockets on every instance; offline: none" },
);
export type PresenceStatus = Static<typeof PresenceStatusSchema>;

/** `GET /api/v1/presence?user_ids=`: each asked user's status, in the order asked. */
export interface PresenceAnswer {
  presence: { user_id: number; status: PresenceStatus }[];
}

/** `GET /api/v1/presence?room_id=`: how many of a room's members are online or away. */
export interface RoomPresenceAnswer {
  room_id: number;
  online: number;
}

/** A piece of a search hit's snippet: the message's own text, `match` where the query found it. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

/** One message a search found, with where in it the query matched. */
export interface SearchHit {
  message: RoomMessage;
  /** PostgreSQL's ts_rank of the message for the query; higher ranks first. */
  rank: number;
  /** Up to two fragments of the text around the matches (the whole text when short). */
  snippet: SnippetPart[];
}

/** `GET /api/v1/search`: one page of hits. */
export interface SearchAnswer {
  results: SearchHit[];
  /** Pass as `cursor` for the next page; null after the last. */
  next_cursor: string | null;
  /** Set when the query holds nothing to search for (only stop words, punctuation or exclusions). */
  notice?: string;
}

/** A room of the public directory. */
export const DirectoryRoomSchema = Type.Composite(
  [RoomSummarySchema, Type.Object({ joined: Type.Boolean() })],
  { $id: 'DirectoryRoom' },
);
export type DirectoryRoom = Static<typeof DirectoryRoomSchema>;

export interface DirectoryPage {
  rooms: DirectoryRoom[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

/** The caller's own account (`GET /api/v1/me`). */
export interface Profile {
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
}

/** An entry of the user directory (`GET /user/all`). */
export interface UserEntry {
  id: number;
  name: string;
  role: number;
  user_avatar: string;
}

export interface LoginResult {
  token: string;
  user_id: number;
}
