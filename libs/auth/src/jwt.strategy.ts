import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AppConfig } from '@chat/config';
import { AuthenticationError } from '@chat/errors';
import { AuthUser } from './auth-user';
import { SessionsService } from './sessions.service';
import { extractToken } from './token-extractor';

export const JWT_ALGORITHM = 'HS256';

interface TokenPayload {
  sub?: unknown;
  sid?: unknown;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: extractToken,
      secretOrKey: config.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  async validate(payload: TokenPayload): Promise<AuthUser> {
    const userId = Number(payload.sub);
    const user =
      Number.isSafeInteger(userId) && typeof payload.sid === 'string'
        ? await this.sessions.resolve(payload.sid, userId)
        : null;
    if (!user) throw new AuthenticationError('Invalid token');
    return user;
  }
}
