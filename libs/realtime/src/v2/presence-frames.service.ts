import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { NotFoundError } from '@chat/errors';
import { SocketStatus, TypingService } from '@chat/presence';
import { ClientConnection } from '../connection/client-connection';
import { PresenceSockets } from '../presence/presence-sockets.service';

/** The `typing` and `presence` frames of a v2 socket. */
@Injectable()
export class PresenceFrames {
  constructor(
    private readonly sockets: PresenceSockets,
    private readonly typingNotices: TypingService,
  ) {}

  /** The caller types in one of the socket's rooms; in any other room, not found. */
  typing(connection: ClientConnection, caller: AuthUser, roomId: number): Promise<void> {
    if (!connection.streams?.has(roomId)) {
      return Promise.reject(new NotFoundError('Room not found'));
    }
    this.typingNotices.typed(caller.id, roomId);
    return Promise.resolve();
  }

  setStatus(connection: ClientConnection, status: SocketStatus): Promise<void> {
    return this.sockets.setStatus(connection, status);
  }
}
