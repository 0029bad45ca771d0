import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { NotFoundError, TooManyRequestsError } from '@chat/errors';
import { SocketStatus, TypingService } from '@chat/presence';
import { ClientConnection } from '../connection/client-connection';
import { PresenceSockets } from '../presence/presence-sockets.service';
import { StatusLimit } from '../presence/status-limit';

/** The `typing` and `presence` frames of a v2 socket. */
@Injectable()
export class PresenceFrames {
  private readonly statusLimit = new StatusLimit<ClientConnection>();

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

  /** The socket's own status; past its allowance (see StatusLimit), refused and nothing changes. */
  setStatus(connection: ClientConnection, status: SocketStatus): Promise<void> {
    if (!this.statusLimit.take(connection, performance.now())) {
      return Promise.reject(new TooManyRequestsError('Too many presence changes'));
    }
    return this.sockets.setStatus(connection, status);
  }
}
