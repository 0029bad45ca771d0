import type { PresenceStatus } from '@chat/protocol';

export type { PresenceStatus };

/** What one socket says of its user: every socket starts online; a v2 client may say away. */
export type SocketStatus = 'online' | 'away';

/** A user's status changed over all their sockets on every instance. */
export interface PresenceChange {
  userId: number;
  status: PresenceStatus;
}

/**
 * A user's status from their sockets' statuses: the most active wins (one online socket beats any
 * number of away ones); offline only when there is none.
 */
export function aggregateStatus(sockets: Iterable<SocketStatus>): PresenceStatus {
  let status: PresenceStatus = 'offline';
  for (const socket of sockets) {
    if (socket === 'online') return 'online';
    status = 'away';
  }
  return status;
}
