import { IsInt, IsOptional } from 'class-validator';
import { IsNewPassword, IsUserName } from './user-fields';

export class RegisterUserDto {
  @IsUserName()
  name!: string;

  @IsNewPassword()
  password!: string;

  /** Accepted for the original client; anything but 1 (user) is refused. */
  @IsOptional()
  @IsInt()
  role?: number;
}
