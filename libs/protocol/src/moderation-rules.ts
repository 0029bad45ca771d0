import { Role } from '@chat/roles';

export interface Party {
  id: number;
  role: number;
}

/**
 * Who may act on whom. Nobody acts on themselves; a site moderator or admin is acted on by an
 * admin only (a moderator cannot ban an admin or another moderator, a room owner cannot kick a
 * site admin). The reason why not, or null when allowed.
 */
function refusalOn(actor: Party, target: Party): string | null {
  if (actor.id === target.id) return 'You cannot do this to yourself';
  if (target.role >= Role.Moderator && actor.role < Role.Admin) {
    return 'Only an admin acts on a moderator or an admin';
  }
  return null;
}

/** A site-wide action (ban, unban, site mute): site moderators and admins. */
export function siteActionRefusal(actor: Party, target: Party): string | null {
  if (actor.role < Role.Moderator) return 'Only moderators and admins do this';
  return refusalOn(actor, target);
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
  return refusalOn(actor, target);
}
