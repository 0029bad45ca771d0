import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UNREAD_LIMIT } from '@chat/protocol';
import {
  DirectoryPage,
  DirectoryRoom,
  LastMessage,
  MyRoom,
  RoomMember,
  RoomSummary,
  RoomUser,
  RoomView,
} from '../room-views';

// Response shapes for the OpenAPI document; the services return plain objects of these shapes.

const ROOM_KINDS = ['public', 'private', 'direct'];
const ROOM_ROLES = ['owner', 'member'];

export class RoomSummaryDto implements RoomSummary {
  id!: number;
  @ApiProperty({ enum: ROOM_KINDS })
  kind!: 'public' | 'private' | 'direct';
  /** null for a direct room: show its `peer`. */
  @ApiProperty({ type: String, nullable: true })
  name!: string | null;
  topic!: string;
  /** ISO 8601, UTC. */
  created_at!: string;
  member_count!: number;
  /** The number of the room's newest change. */
  last_seq!: number;
  archived!: boolean;
}

export class RoomUserDto implements RoomUser {
  user_id!: number;
  name!: string;
  /** Site role: 1 user, 2 moderator, 3 admin. */
  role!: number;
  user_avatar!: string;
}

export class RoomMemberDto extends RoomUserDto implements RoomMember {
  @ApiProperty({ enum: ROOM_ROLES })
  room_role!: 'owner' | 'member';
}

export class RoomViewDto extends RoomSummaryDto implements RoomView {
  /** The caller's role in the room; null for a public room they are not in. */
  @ApiProperty({ enum: ROOM_ROLES, nullable: true })
  room_role!: 'owner' | 'member' | null;
  /** The other member of a direct room; null for other rooms. */
  @ApiPropertyOptional({ type: RoomUserDto, nullable: true })
  peer!: RoomUser | null;
}

export class LastMessageDto implements LastMessage {
  message_id!: number;
  room_id!: number;
  seq!: number;
  user_id!: number;
  name!: string;
  role!: number;
  user_avatar!: string;
  message!: string;
  time_send!: string;
  created_at!: string;
  edited!: boolean;
  @ApiProperty({ type: String, nullable: true })
  edited_at!: string | null;
  /** The users its @names named. */
  @ApiProperty({ type: Number, isArray: true })
  mentions!: number[];
}

export class MyRoomDto extends RoomViewDto implements MyRoom {
  /** The room's newest message; null when it has none. */
  @ApiProperty({ type: LastMessageDto, nullable: true })
  last_message!: LastMessage | null;
  /**
   * Messages after the caller's read marker, by others, not deleted, exact as of `last_seq`;
   * stops at 100 (show "99+").
   */
  @ApiProperty({ minimum: 0, maximum: UNREAD_LIMIT })
  unread!: number;
  /** Those of them that mention the caller; stops at 100. */
  @ApiProperty({ minimum: 0, maximum: UNREAD_LIMIT })
  mentions!: number;
  /** The caller's read marker: the room's number they have read up to. */
  @ApiProperty({ minimum: 0 })
  last_read_seq!: number;
}

export class DirectoryRoomDto extends RoomSummaryDto implements DirectoryRoom {
  /** Whether the caller is in the room. */
  joined!: boolean;
}

export class DirectoryPageDto implements DirectoryPage {
  @ApiProperty({ type: DirectoryRoomDto, isArray: true })
  rooms!: DirectoryRoom[];
  /** Pass as `cursor` for the next page; null on the last one. */
  @ApiProperty({ type: String, nullable: true })
  next_cursor!: string | null;
}
