import {
  BaseEntity,
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Role } from '@chat/roles';

/** An account. `passwordHash` never leaves this layer: responses are built from DTOs. */
@Entity('users')
// Case-insensitive uniqueness is an expression index (lower(name)) managed by the migrations.
@Index('users_name_lower_key', { synchronize: false })
@Index('users_active_role_idx', ['role'], { where: 'deleted_at IS NULL' })
@Check('users_role_check', 'role >= 1 AND role <= 3')
export class User extends BaseEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 60, nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ type: 'smallint', default: Role.User })
  role!: Role;

  @Column({ type: 'varchar', length: 255 })
  avatar!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
