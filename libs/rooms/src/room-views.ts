import { RoomMember, RoomSummary } from '@chat/events';
import { RoomRole } from './room-membership.entity';

/** A user as a room shows them (a member without the room role). */
export interface RoomUser {
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
}

/** A room as its reader sees it: the summary, the reader's room role, and a DM's other member. */
export interface RoomView extends RoomSummary {
  /** null: a public room the reader is not in. */
  room_role: RoomRole | null;
  /** The other member of a direct room (a DM has no name); null for other rooms. */
  peer: RoomUser | null;
}

/** A message as v2 shows it: the compat shape with its room, number and edit time. */
export interface LastMessage {
  message_id: number;
  room_id: number;
  seq: number;
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
  message: string;
  time_send: string;
  created_at: string;
  edited: boolean;
  edited_at: string | null;
}

/** One of the caller's rooms in their list. */
export interface MyRoom extends RoomView {
  last_message: LastMessage | null;
}

/** A room of the public directory. */
export interface DirectoryRoom extends RoomSummary {
  /** Whether the caller is in it. */
  joined: boolean;
}

export interface DirectoryPage {
  rooms: DirectoryRoom[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

export type { RoomMember, RoomSummary };
