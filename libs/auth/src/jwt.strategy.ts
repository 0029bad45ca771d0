import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AppConfig } from '@chat/config';
import { AuthenticationError } from '@chat/errors';
import { AuthUser } from './auth-user';
import { SessionsService, TokenClaims } from './sessions.service';
import { extractToken } from './token-extractor';

export const JWT_ALGORITHM = 'HS256';

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

  async validate(claims: TokenClaims): Promise<AuthUser> {
    const user = await this.sessions.resolveClaims(claims);
    if (!user) throw new AuthenticationError('Invalid token');
    return user;
  }
}
