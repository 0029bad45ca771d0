import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AppConfig } from '@chat/config';
import { AuthenticationError } from '@chat/errors';
import { AuthUser } from './auth-user';
import { SessionsService, TokenClaims } from './sessions.service';
import { extractBearerToken, extractToken } from './token-extractor';

export const JWT_ALGORITHM = 'HS256';

/** Compat routes: the token from the header or where the original client puts it. */
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

  validate(claims: TokenClaims): Promise<AuthUser> {
    return callerOf(this.sessions, claims);
  }
}

/** New routes: the token from the `Authorization: Bearer` header only. */
@Injectable()
export class BearerJwtStrategy extends PassportStrategy(Strategy, 'jwt-bearer') {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: extractBearerToken,
      secretOrKey: config.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  validate(claims: TokenClaims): Promise<AuthUser> {
    return callerOf(this.sessions, claims);
  }
}

async function callerOf(sessions: SessionsService, claims: TokenClaims): Promise<AuthUser> {
  const user = await sessions.resolveClaims(claims);
  if (!user) throw new AuthenticationError('Invalid token');
  return user;
}
