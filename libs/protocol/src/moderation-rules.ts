/** Site roles as the API gives them: 1 user, 2 moderator, 3 admin. */
export const MODERATOR_ROLE = 2;
export const ADMIN_ROLE = 3;

/** The longest reason a ban, mute, kick or report may give. */
export const REASON_MAX_CHARACTERS = 500;

export interface Party {
  id: number;
  role: number;
}

/**
 * Who may act on whom, for the server's checks and the clients' offers alike. Nobody acts on
 * themselves; a site moderator or admin is acted on by an admin only (a moderator cannot ban an
 * admin or another moderator, a room owner cannot kick a site admin or delete their message). The
 * reason why not, or null when allowed.
 */
export function actingRefusal(actor: Party, target: Party): string | null {
  if (actor.id === target.id) return 'You cannot do this to yourself';
  if (target.role >= MODERATOR_ROLE && actor.role < ADMIN_ROLE) {
    return 'Only an admin acts on a moderator or an admin';
  }
  return null;
}

/** A site-wide action (ban, unban, site mute): site moderators and admins. */
export function siteActionRefusal(actor: Party, target: Party): string | null {
  if (actor.role < MODERATOR_ROLE) return 'Only moderators and admins do this';
  return actingRefusal(actor, target);
}

/**
 * An action in one room (kick, room ban, room mute): by whoever acts as the room's owner there
 * (its owner, or a site moderator or admin in a public room: RoomAccess.actsAsOwner).
 */
export function roomActionRefusal(
  actor: Party,
  target: Party,
  actsAsOwner: boolean,
): string | null {
  if (!actsAsOwner) return 'Only the room owner, or a moderator in a public room, does this';
  return actingRefusal(actor, target);
}
