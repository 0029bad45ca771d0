import { SetMetadata } from '@nestjs/common';
import { DomainError } from '@chat/errors';
import { Role } from './role.enum';

export const ROLES_KEY = 'roles';

export interface RoleRequirement {
  minimum: Role;
  refusal?: () => DomainError;
}

/**
 * The lowest role allowed to call the handler; higher roles may call it too. `refusal` builds the
 * error for a caller below it, where the wire contract wants another answer than 403.
 */
export const Roles = (minimum: Role, refusal?: () => DomainError) =>
  SetMetadata(ROLES_KEY, { minimum, refusal } satisfies RoleRequirement);
