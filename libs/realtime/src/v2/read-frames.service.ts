import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { UnavailableError } from '@chat/errors';
import { RequestResults } from '@chat/protocol';

// TODO(#19, read markers): replaced by the read-marker work.
@Injectable()
export class ReadFrames {
  read(
    _caller: AuthUser,
    _frame: { roomId: number; seq: number },
  ): Promise<RequestResults['read']> {
    return Promise.reject(new UnavailableError('Read markers are not built yet'));
  }
}
