import { SetMetadata } from '@nestjs/common';
import { Role } from './role.enum';

export const ROLES_KEY = 'roles';

/** The lowest role allowed to call the handler; higher roles may call it too. */
export const Roles = (minimum: Role) => SetMetadata(ROLES_KEY, minimum);
