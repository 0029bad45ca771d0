/*
 * The moderation API's requests (docs/moderation.md); its answers are in @chat/protocol
 * (moderation-models.ts).
 */
import type { ReportStatus } from '@chat/protocol';

/** An end time: an ISO 8601 string, or a Date (JSON sends it as ISO 8601); left out for no end. */
export type Until = string | Date;

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
