/** Every action the audit log records: what a moderator or an admin did. */
export const AUDIT_ACTIONS = [
  'message.edit',
  'message.delete',
  'user.ban',
  'user.unban',
  'user.mute',
  'user.unmute',
  'user.role',
  'user.delete',
  'user.create',
  'room.kick',
  'room.unban',
  'room.archive',
  'room.update',
  'room.member.remove',
  'report.resolve',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** Who acted. */
  actorId: number;
  action: AuditAction;
  targetUserId?: number;
  targetRoomId?: number;
  targetMessageId?: number;
  reason?: string;
  /** What else tells the action apart: an end time, a role, where it came from (`via`). */
  details?: Record<string, unknown>;
}
