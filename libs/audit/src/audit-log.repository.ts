import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import type { AuditLogEntry } from '@chat/protocol';
import { AuditAction, AuditEntry } from './audit-action';

/** A row as the log is read (`GET /api/v1/moderation/audit`). */
export interface AuditRow extends AuditLogEntry {
  action: AuditAction;
}

export interface AuditQuery {
  /** Rows with ids below this one (newest first). */
  beforeId?: number;
  action?: AuditAction;
  actorId?: number;
  targetUserId?: number;
  limit: number;
}

const INSERT = `
  INSERT INTO audit_log (actor_id, action, target_user_id, target_room_id, target_message_id, reason, details)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;

const PAGE = `
  SELECT id::float8 AS id, actor_id, action, target_user_id, target_room_id,
         target_message_id::float8 AS target_message_id, reason, details,
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
    FROM audit_log
   WHERE ($1::bigint IS NULL OR id < $1)
     AND ($2::varchar IS NULL OR action = $2)
     AND ($3::integer IS NULL OR actor_id = $3)
     AND ($4::integer IS NULL OR target_user_id = $4)
   ORDER BY id DESC
   LIMIT $5`;

/** The audit log's rows: only ever inserted (a trigger refuses the rest) and read. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly statements: PreparedStatements) {}

  async insert(entry: AuditEntry): Promise<void> {
    await this.statements.query(INSERT, [
      entry.actorId,
      entry.action,
      entry.targetUserId ?? null,
      entry.targetRoomId ?? null,
      entry.targetMessageId ?? null,
      entry.reason ?? null,
      JSON.stringify(entry.details ?? {}),
    ]);
  }

  async page(query: AuditQuery): Promise<AuditRow[]> {
    const { rows } = await this.statements.query<AuditRow>(PAGE, [
      query.beforeId ?? null,
      query.action ?? null,
      query.actorId ?? null,
      query.targetUserId ?? null,
      query.limit,
    ]);
    return rows;
  }
}
