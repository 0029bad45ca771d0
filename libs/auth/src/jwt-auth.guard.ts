import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthenticationError } from '@chat/errors';

/** Requires a valid token; attaches the caller as `request.user` (see @CurrentUser). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error;
    if (user) return user;
    throw new AuthenticationError(describeFailure(info));
  }
}

/** The same, for new routes that take the token from the `Authorization: Bearer` header only. */
@Injectable()
export class BearerAuthGuard extends AuthGuard('jwt-bearer') {
  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error;
    if (user) return user;
    throw new AuthenticationError(describeFailure(info));
  }
}

function describeFailure(info: unknown): string {
  if (info instanceof Error && info.name === 'TokenExpiredError') return 'Token expired';
  if (info instanceof Error && info.message === 'No auth token') return 'Not authenticated';
  return 'Invalid token';
}
