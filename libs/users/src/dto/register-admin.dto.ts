import { IsInt } from 'class-validator';
import { IsNewPassword, IsUserName } from './user-fields';

export class RegisterAdminDto {
  @IsUserName()
  name!: string;

  @IsNewPassword()
  password!: string;

  /** 1 user, 2 moderator, 3 admin. */
  @IsInt()
  role!: number;
}
