import {
  ADMIN_ROLE,
  MODERATOR_ROLE,
  REASON_MAX_CHARACTERS,
  roomActionRefusal,
  siteActionRefusal,
} from '@chat/client';

export const MODERATOR = MODERATOR_ROLE;
export const ADMIN = ADMIN_ROLE;
export const REASON_MAX = REASON_MAX_CHARACTERS;

export type ModerationAction = 'ban' | 'mute-site' | 'mute-room' | 'kick';

export interface Person {
  id: number;
  /** Site role: 1 user, 2 moderator, 3 admin. */
  role: number;
}

/** The room the person is seen in, as the viewer knows it. */
export interface RoomPlace {
  /** The viewer owns the room, or is a site moderator or admin in a public room. */
  actsAsOwner: boolean;
  kind: 'public' | 'private' | 'direct';
  general: boolean;
}

/**
 * Which moderation actions the client offers on a person: those the server's own rule
 * (`@chat/protocol`'s moderation rules) allows. Only a hint: the server decides, and its refusal
 * is shown.
 */
export function moderationActions(
  viewer: Person,
  target: Person,
  room?: RoomPlace,
): ModerationAction[] {
  const actions: ModerationAction[] = [];
  if (siteActionRefusal(viewer, target) === null) actions.push('ban', 'mute-site');
  const inRoom = room && room.kind !== 'direct';
  if (inRoom && roomActionRefusal(viewer, target, room.actsAsOwner) === null) {
    actions.push('mute-room');
    // Nobody is kicked from the general room: mute or ban instead.
    if (!room.general) actions.push('kick');
  }
  return actions;
}

/** How long a ban, mute or room ban lasts; `null`: no end. */
export const DURATIONS: { label: string; ms: number | null }[] = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '7 days', ms: 7 * 86_400_000 },
  { label: 'No end', ms: null },
];

/** The `until` to send for a duration from `now`: undefined for no end. */
export function untilAfter(ms: number | null, now = Date.now()): string | undefined {
  return ms === null ? undefined : new Date(now + ms).toISOString();
}

/** What is wrong with a reason as typed (trimmed, 1 to 500 characters), or null. */
export function reasonProblem(reason: string): string | null {
  const length = [...reason.trim()].length;
  if (length === 0) return 'Give a reason';
  if (length > REASON_MAX) return `A reason is at most ${REASON_MAX} characters`;
  return null;
}
