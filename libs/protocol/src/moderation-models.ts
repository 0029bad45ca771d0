/*
 * The moderation API's answers (docs/moderation.md), as the server builds them and the SDK reads
 * them. Times are ISO 8601 strings in UTC; `until: null` means no end.
 */

/** A site ban in force. */
export interface BanView {
  user_id: number;
  actor_id: number;
  reason: string;
  until: string | null;
  created_at: string;
}

/** A mute in force: everywhere (`room_id: null`) or in one room. */
export interface MuteView extends BanView {
  id: number;
  room_id: number | null;
}

export interface KickResult {
  /** Whether they were a member (and are no more). */
  removed: boolean;
  /** Whether they are banned from the room now. */
  banned: boolean;
}

export type ReportStatus = 'open' | 'resolved';

/** A report of a message, with a copy of the message as it was when reported. */
export interface ReportView {
  id: number;
  /** null once the message is deleted. */
  message_id: number | null;
  room_id: number;
  room_name: string | null;
  /** Moderators see reports of public rooms only. */
  room_kind: 'public' | 'private' | 'direct';
  author_id: number;
  author_name: string;
  /** The author's site role now. */
  author_role: number;
  /** The text when it was reported. */
  message_text: string;
  reporter_id: number;
  reporter_name: string;
  reason: string;
  status: ReportStatus;
  created_at: string;
  resolved_by: number | null;
  resolved_at: string | null;
  resolution: string | null;
}

export interface ReportsPage {
  reports: ReportView[];
  /** The cursor of the next page, or null on the last. */
  next_cursor: number | null;
}

export interface AuditLogEntry {
  id: number;
  actor_id: number | null;
  action: string;
  target_user_id: number | null;
  target_room_id: number | null;
  target_message_id: number | null;
  reason: string | null;
  /** What else the action recorded; `via` says where it came from (api, compat, panel, report). */
  details: Record<string, unknown>;
  created_at: string;
}

export interface AuditPage {
  entries: AuditLogEntry[];
  next_cursor: number | null;
}
