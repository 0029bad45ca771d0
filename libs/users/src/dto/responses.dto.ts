import { Role } from '@chat/roles';

// Properties are declared (not constructor parameters) so the OpenAPI plugin documents them.

export class MessageResponseDto {
  message: string;

  constructor(message: string) {
    this.message = message;
  }
}

export class LoginResponseDto {
  token: string;
  user_id: number;

  constructor(token: string, userId: number) {
    this.token = token;
    this.user_id = userId;
  }
}

export class UserProfileDto {
  user_id: number;
  name: string;
  role: Role;
  user_avatar: string;

  constructor(user: { id: number; name: string; role: Role; avatar: string }) {
    this.user_id = user.id;
    this.name = user.name;
    this.role = user.role;
    this.user_avatar = user.avatar;
  }
}

export class UserSummaryDto {
  id: number;
  name: string;
  role: Role;
  user_avatar: string;

  constructor(user: { id: number; name: string; role: Role; avatar: string }) {
    this.id = user.id;
    this.name = user.name;
    this.role = user.role;
    this.user_avatar = user.avatar;
  }
}
