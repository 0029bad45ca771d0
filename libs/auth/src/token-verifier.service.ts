import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthenticationError } from '@chat/errors';
import { AuthUser } from './auth-user';
import { SessionsService, TokenClaims } from './sessions.service';

/**
 * The one place a token is verified, for HTTP routes (through the token strategies behind
 * @Authenticated) and sockets alike: the signature (HS256 only), the expiry and the live session.
 */
@Injectable()
export class TokenVerifier {
  constructor(
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
  ) {}

  /** The caller of a valid token, with its expiry (a socket outlives its handshake). */
  async authenticate(token: string | null): Promise<AuthUser> {
    if (!token) throw new AuthenticationError('Not authenticated');
    let claims: TokenClaims & { exp?: unknown };
    try {
      claims = await this.jwt.verifyAsync<TokenClaims & { exp?: unknown }>(token);
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new AuthenticationError(expired ? 'Token expired' : 'Invalid token');
    }
    const user = await this.sessions.resolveClaims(claims);
    if (!user) throw new AuthenticationError('Invalid token');
    // Our tokens always carry exp (JWT_TTL); the session cache's object is shared, so copy it.
    if (typeof claims.exp !== 'number') return user;
    // Listed rather than spread ({...user, expiresAt} gives every socket's copy a hidden class of
    // its own on V8 11); `satisfies` makes a field added to AuthUser a compile error here.
    return {
      id: user.id,
      role: user.role,
      sessionId: user.sessionId,
      expiresAt: claims.exp * 1000,
    } satisfies Required<AuthUser>;
  }

  /** The same caller if its session still holds (answered from the session cache). */
  recheck(user: AuthUser): Promise<AuthUser | null> {
    return this.sessions.resolve(user.sessionId, user.id);
  }
}
