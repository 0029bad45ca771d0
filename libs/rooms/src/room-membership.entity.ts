import {
  AfterLoad,
  BaseEntity,
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '@chat/users';
import { Room } from './room.entity';

export type RoomRole = 'owner' | 'member';

/**
 * A user's membership of a room, with the room role. The general room (1) has no rows: every user
 * is in it. Changed only through the membership services, which number each change in the room.
 */
@Entity('room_members')
@Index('room_members_user_id_idx', ['userId'])
@Check('room_members_role_check', `role IN ('owner', 'member')`)
export class RoomMembership extends BaseEntity {
  @PrimaryColumn({
    name: 'room_id',
    type: 'integer',
    primaryKeyConstraintName: 'room_members_pkey',
  })
  roomId!: number;

  @ManyToOne(() => Room, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'room_members_room_id_fkey' })
  room?: Room;

  @PrimaryColumn({
    name: 'user_id',
    type: 'integer',
    primaryKeyConstraintName: 'room_members_pkey',
  })
  userId!: number;

  @ManyToOne(() => User, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'room_members_user_id_fkey' })
  user?: User;

  @Column({ type: 'varchar', default: 'member' })
  role!: RoomRole;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;

  /**
   * The room's number the member has read up to: never backwards, never past the room's last_seq
   * (see ReadMarkersRepository). A row inserted without it starts at the room's last_seq (a
   * trigger). bigint: TypeORM hands it over as a string.
   */
  @Column({ name: 'last_read_seq', type: 'bigint' })
  lastReadSeq!: string;

  /**
   * "room:user", one value naming the row: the admin panel addresses records by a single id, and
   * the table's key is the pair.
   */
  key?: string;

  @AfterLoad()
  protected setKey(): void {
    this.key = membershipKey(this.roomId, this.userId);
  }
}

export function membershipKey(roomId: number, userId: number): string {
  return `${roomId}:${userId}`;
}

/** The pair a membershipKey names, or null for anything else. */
export function parseMembershipKey(key: unknown): { roomId: number; userId: number } | null {
  const match = typeof key === 'string' ? /^(\d{1,10}):(\d{1,10})$/.exec(key) : null;
  return match ? { roomId: Number(match[1]), userId: Number(match[2]) } : null;
}
