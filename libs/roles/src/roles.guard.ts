import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PermissionError } from '@chat/errors';
import { Role } from './role.enum';
import { RoleRequirement, ROLES_KEY } from './roles.decorator';

/** Runs after authentication: compares the caller's role with the handler's @Roles minimum. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const requirement = this.reflector.getAllAndOverride<RoleRequirement | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!requirement) return true;
    const caller = context.switchToHttp().getRequest<{ user?: { role: Role } }>().user;
    if (caller && caller.role >= requirement.minimum) return true;
    throw requirement.refusal?.() ?? new PermissionError('Insufficient role');
  }
}
