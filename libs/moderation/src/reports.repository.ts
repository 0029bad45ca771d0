import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import type { ReportStatus, ReportView } from '@chat/protocol';

export type { ReportStatus };

/** A report as the queue shows it: the message as it was reported, and whether it still exists. */
export type Report = ReportView;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const VIEW = `
  SELECT r.id, r.message_id::float8 AS message_id, r.room_id, rm.name AS room_name,
         rm.kind AS room_kind, r.author_id, a.name AS author_name, a.role AS author_role,
         r.message_text, r.reporter_id,
         p.name AS reporter_name, r.reason, r.status,
         to_char(r.created_at AT TIME ZONE 'UTC', ${ISO}) AS created_at, r.resolved_by,
         to_char(r.resolved_at AT TIME ZONE 'UTC', ${ISO}) AS resolved_at, r.resolution
    FROM message_reports r
    JOIN rooms rm ON rm.id = r.room_id
    JOIN users a ON a.id = r.author_id
    JOIN users p ON p.id = r.reporter_id`;

/** One report per message and reporter: a repeat inserts nothing. */
const INSERT = `
  WITH added AS (
    INSERT INTO message_reports (message_id, room_id, author_id, message_text, reporter_id, reason)
    SELECT id, room_id, user_id, text, $2, $3 FROM messages WHERE id = $1
    ON CONFLICT (message_id, reporter_id) DO NOTHING
    RETURNING id)
  SELECT id FROM added`;

const PAGE = `${VIEW}
  WHERE r.status = $1 AND ($2::integer IS NULL OR r.id < $2) AND ($4 OR rm.kind = 'public')
  ORDER BY r.id DESC LIMIT $3`;
const FIND = `${VIEW} WHERE r.id = $1`;

const RESOLVE = `
  UPDATE message_reports SET status = 'resolved', resolved_by = $2, resolved_at = now(), resolution = $3
   WHERE id = $1 AND status = 'open'
  RETURNING id`;

@Injectable()
export class ReportsRepository {
  constructor(private readonly sql: PreparedStatements) {}

  /** The new report's id; null when this reporter reported the message before. */
  async insert(messageId: number, reporterId: number, reason: string): Promise<number | null> {
    const { rows } = await this.sql.query<{ id: number }>(INSERT, [messageId, reporterId, reason]);
    return rows[0]?.id ?? null;
  }

  /** A page of the queue; without `everyRoom`, public rooms' reports only. */
  async page(
    status: ReportStatus,
    beforeId: number | undefined,
    limit: number,
    everyRoom: boolean,
  ): Promise<Report[]> {
    return (await this.sql.query<Report>(PAGE, [status, beforeId ?? null, limit, everyRoom])).rows;
  }

  async find(id: number): Promise<Report | null> {
    return (await this.sql.query<Report>(FIND, [id])).rows[0] ?? null;
  }

  /** False when it was resolved already (or there is no such report). */
  async resolve(id: number, actorId: number, resolution: string | null): Promise<boolean> {
    return (await this.sql.query(RESOLVE, [id, actorId, resolution])).rows.length > 0;
  }
}
