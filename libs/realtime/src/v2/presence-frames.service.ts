import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { UnavailableError } from '@chat/errors';
import { ClientConnection } from '../connection/client-connection';

// TODO(#19, presence): replaced by the presence and typing work.
@Injectable()
export class PresenceFrames {
  typing(_connection: ClientConnection, _caller: AuthUser, _roomId: number): Promise<void> {
    return Promise.reject(new UnavailableError('Typing is not built yet'));
  }

  setStatus(_connection: ClientConnection, _status: 'online' | 'away'): Promise<void> {
    return Promise.reject(new UnavailableError('Presence is not built yet'));
  }
}
