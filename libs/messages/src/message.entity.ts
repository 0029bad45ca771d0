import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Room } from '@chat/rooms';
import { User } from '@chat/users';

@Entity('messages')
@Index('messages_room_user_client_id_key', ['roomId', 'userId', 'clientId'], {
  unique: true,
  where: 'client_id IS NOT NULL',
})
@Unique('messages_room_id_seq_key', ['roomId', 'seq'])
export class Message extends BaseEntity {
  /** bigint: TypeORM hands it over as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'room_id', type: 'integer', default: 1 })
  roomId!: number;

  @ManyToOne(() => Room, { nullable: false })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'messages_room_id_fkey' })
  room?: Room;

  /**
   * Its number in the room's sequence, gap-free in commit order (see chat_insert_messages in the
   * migrations). bigint: TypeORM hands it over as a string.
   */
  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'messages_user_id_fkey' })
  author?: User;

  @Column({ type: 'varchar', length: 1000 })
  text!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  /** The sender's idempotency key: one message per room, author and key. */
  @Column({ name: 'client_id', type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  /** The users its @names named when it was stored or last edited (see mentionedNames). */
  @Column({ type: 'integer', array: true, default: () => "'{}'" })
  mentions!: number[];

  /** The batched insert that stored it (see MessageWriter.settleInDoubt). */
  @Column({ name: 'write_id', type: 'uuid', nullable: true, select: false })
  writeId!: string | null;
}
