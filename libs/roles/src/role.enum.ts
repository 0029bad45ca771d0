/** Roles as the wire contract numbers them. */
export enum Role {
  User = 1,
  Moderator = 2,
  Admin = 3,
}

export const ROLES = [Role.User, Role.Moderator, Role.Admin] as const;
