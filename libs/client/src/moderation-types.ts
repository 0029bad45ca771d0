/*
 * The moderation API's shapes (docs/moderation.md, `/api/v1/moderation` and message reports), as
 * the server answers them. Times are ISO 8601 strings in UTC; `until: null` means no end.
 */

/** An end time: an ISO 8601 string, or a Date (JSON sends it as ISO 8601); left out for no end. */
export type Until = string | Date;

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
  author_id: number;
  author_name: string;
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

export interface AuditEntry {
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
  entries: AuditEntry[];
  next_cursor: number | null;
}

/** `POST /api/v1/moderation/bans`: reasons are 1 to 500 characters. */
export interface BanRequest {
  user_id: number;
  reason: string;
  /** In the future and within 10 years; left out for no end. */
  until?: Until;
}

/** `POST /api/v1/moderation/mutes`: in one room with `room_id`, everywhere without. */
export interface MuteRequest extends BanRequest {
  room_id?: number;
}

/** `POST /api/v1/moderation/kicks`; with `ban`, kept out of the room until `until` (or for good). */
export interface KickRequest {
  room_id: number;
  user_id: number;
  reason: string;
  ban?: boolean;
  until?: Until;
}

export interface ReportsQuery {
  /** `open` when not given. */
  status?: ReportStatus;
  /** The previous page's `next_cursor`. */
  cursor?: number;
}

export interface ResolveRequest {
  /** What was done, for the audit log (up to 500 characters). */
  note?: string;
  /** Delete the reported message too. */
  delete_message?: boolean;
}

export interface AuditQuery {
  action?: string;
  actor_id?: number;
  target_user_id?: number;
  cursor?: number;
}
