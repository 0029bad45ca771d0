import { Role } from '@chat/roles';

/** The authenticated caller, as guards attach it to the request. */
export interface AuthUser {
  id: number;
  role: Role;
  sessionId: string;
  /** When the token expires (ms since the epoch); set by TokenVerifier, for sockets to enforce. */
  expiresAt?: number;
}
