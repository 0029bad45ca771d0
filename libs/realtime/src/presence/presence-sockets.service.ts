import { Injectable } from '@nestjs/common';
import { PresenceService, SocketStatus } from '@chat/presence';
import { ClientConnection } from '../connection/client-connection';
import { ConnectionRegistry } from '../connection-registry.service';

/**
 * Reports this instance's signed-in sockets to presence: online when one signs in (a compat
 * socket too), gone when it closes, and the status a v2 socket sets.
 */
@Injectable()
export class PresenceSockets {
  private readonly tracked = new Map<ClientConnection, { connectionId: string; userId: number }>();

  constructor(
    registry: ConnectionRegistry,
    private readonly presence: PresenceService,
  ) {
    registry.socketSignedIn = (connection) => this.signedIn(connection);
    registry.socketGone = (connection) => this.gone(connection);
  }

  /** The socket's own status; nothing for a socket that is not signed in or already gone. */
  async setStatus(connection: ClientConnection, status: SocketStatus): Promise<void> {
    const socket = this.tracked.get(connection);
    if (socket) await this.presence.setStatus(socket.connectionId, status);
  }

  /** A v2 socket's sign-in has just started reading its user's rooms: presence uses that read. */
  roomsRead(userId: number, rooms: Promise<{ room_id: number }[]>): void {
    this.presence.roomsRead(
      userId,
      rooms.then((list) => list.map((room) => room.room_id)),
    );
  }

  /** A compat socket may sign in again, as another user. */
  private signedIn(connection: ClientConnection): void {
    const userId = connection.user!.id;
    const current = this.tracked.get(connection);
    if (current?.userId === userId) return;
    if (current) this.presence.disconnect(current.connectionId);
    this.tracked.set(connection, { connectionId: this.presence.connect(userId), userId });
  }

  private gone(connection: ClientConnection): void {
    const socket = this.tracked.get(connection);
    if (!socket) return;
    this.tracked.delete(connection);
    this.presence.disconnect(socket.connectionId);
  }
}
