import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { AuditAction } from '@chat/audit';
import { User } from '@chat/users';

/**
 * A row of audit_log as the panel reads it (the table is made by the migration AddModeration and
 * written only by AuditLog.record). Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE,
 * and the panel offers no action that writes.
 */
@Entity('audit_log')
@Index('audit_log_action_idx', ['action', 'id'])
export class AuditLogEntry extends BaseEntity {
  /** bigint: TypeORM hands it over as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'actor_id', type: 'integer', nullable: true })
  actorId!: number | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'audit_log_actor_id_fkey' })
  actor?: User | null;

  @Column({ type: 'varchar', length: 64 })
  action!: AuditAction;

  @Column({ name: 'target_user_id', type: 'integer', nullable: true })
  targetUserId!: number | null;

  @Column({ name: 'target_room_id', type: 'integer', nullable: true })
  targetRoomId!: number | null;

  /** bigint: TypeORM hands it over as a string. */
  @Column({ name: 'target_message_id', type: 'bigint', nullable: true })
  targetMessageId!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
