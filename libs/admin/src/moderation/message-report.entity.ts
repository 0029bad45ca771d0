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
import { Message } from '@chat/messages';
import { Room } from '@chat/rooms';
import { User } from '@chat/users';

export type ReportStatus = 'open' | 'resolved';

/**
 * message_reports as the panel's report queue reads it (the table is made by the migration
 * AddModeration, written only by ReportsService). It keeps a copy of the message: its text, room
 * and author stay when the message is deleted, and `messageId` turns null.
 */
@Entity('message_reports')
@Index('message_reports_message_reporter_key', ['messageId', 'reporterId'], { unique: true })
@Index('message_reports_status_idx', ['status', 'id'])
@Check('message_reports_status_check', `status IN ('open', 'resolved')`)
export class MessageReport extends BaseEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** bigint: TypeORM hands it over as a string. */
  @Column({ name: 'message_id', type: 'bigint', nullable: true })
  messageId!: string | null;

  @ManyToOne(() => Message, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'message_reports_message_id_fkey' })
  message?: Message | null;

  @Column({ name: 'room_id', type: 'integer' })
  roomId!: number;

  @ManyToOne(() => Room, { nullable: false })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'message_reports_room_id_fkey' })
  room?: Room;

  @Column({ name: 'author_id', type: 'integer' })
  authorId!: number;

  @ManyToOne(() => User, { nullable: false })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'message_reports_author_id_fkey' })
  author?: User;

  @Column({ name: 'message_text', type: 'varchar', length: 1000 })
  messageText!: string;

  @Column({ name: 'reporter_id', type: 'integer' })
  reporterId!: number;

  @ManyToOne(() => User, { nullable: false })
  @JoinColumn({ name: 'reporter_id', foreignKeyConstraintName: 'message_reports_reporter_id_fkey' })
  reporter?: User;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', default: 'open' })
  status!: ReportStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_by', type: 'integer', nullable: true })
  resolvedBy!: number | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: 'resolved_by', foreignKeyConstraintName: 'message_reports_resolved_by_fkey' })
  resolver?: User | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  resolution!: string | null;
}
