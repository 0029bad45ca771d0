import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';

/** Lengths are bounded only to refuse absurd input; wrong values are "Invalid credentials". */
export class LoginDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(1000)
  name!: string;

  @IsString()
  @MaxLength(1000)
  password!: string;
}
