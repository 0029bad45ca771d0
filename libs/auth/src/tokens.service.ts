import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SessionsService } from './sessions.service';

/** Issues a token bound to a new server-side session. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
  ) {}

  async issue(userId: number): Promise<string> {
    const sessionId = await this.sessions.create(userId);
    return this.jwt.signAsync({ sub: String(userId), sid: sessionId });
  }
}
