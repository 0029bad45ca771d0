import {
  BaseEntity,
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '@chat/users';

/** A public or private room, or a direct conversation (a DM has no name). */
@Entity('rooms')
@Check('rooms_kind_check', `kind IN ('public', 'private', 'direct')`)
@Index('rooms_dm_key_key', ['dmKey'], { unique: true })
@Index('rooms_created_by_created_at_idx', ['createdBy', 'createdAt'])
// The public directory's order, lower(name) then id: an expression index managed by the migrations.
@Index('rooms_public_name_idx', { synchronize: false })
export class Room extends BaseEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar' })
  kind!: 'public' | 'private' | 'direct';

  @Column({ type: 'varchar', length: 64, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 256, default: '' })
  topic!: string;

  @Column({ name: 'created_by', type: 'integer', nullable: true })
  createdBy!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'rooms_created_by_fkey' })
  creator?: User | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  /**
   * The room's sequence: the number of the newest change. Only the migration's functions move it,
   * under the row's lock (see chat_insert_messages). bigint: TypeORM hands it over as a string.
   */
  /** A direct room's two members as "low:high" user ids: one direct room per pair. */
  @Column({ name: 'dm_key', type: 'varchar', length: 32, nullable: true })
  dmKey!: string | null;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq!: string;
}
