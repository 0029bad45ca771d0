import { applyDecorators, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth } from '@nestjs/swagger';
import { DomainError } from '@chat/errors';
import { Role, Roles, RolesGuard } from '@chat/roles';
import { BEARER_TOKEN_STRATEGY, COMPAT_TOKEN_STRATEGY } from './token.strategy';

export interface AuthenticatedOptions {
  /** The lowest role allowed to call the route; higher roles may call it too. */
  role?: Role;
  /** The error for a caller below `role`, where the wire contract wants another answer than 403. */
  refusal?: () => DomainError;
  /**
   * Also take the token where the seed's client puts it (JSON body, `?token=` on the avatar
   * upload); without it only the `Authorization: Bearer` header counts.
   */
  compat?: boolean;
}

/**
 * Who may call a route, in one place: a valid token of a live session (the caller then is
 * `@CurrentUser()`), and the role when one is required. Guards that need the caller, such as a
 * per-user throttle, go in a @UseGuards written above this decorator, so they run after it.
 */
export function Authenticated(
  options: AuthenticatedOptions = {},
): ClassDecorator & MethodDecorator {
  const authentication = AuthGuard(options.compat ? COMPAT_TOKEN_STRATEGY : BEARER_TOKEN_STRATEGY);
  if (options.role === undefined)
    return applyDecorators(UseGuards(authentication), ApiBearerAuth());
  return applyDecorators(
    UseGuards(authentication, RolesGuard),
    Roles(options.role, options.refusal),
    ApiBearerAuth(),
  );
}
