import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { Role } from '@chat/roles';
import { ChatThrottlerGuard } from './chat-throttler.guard';
import { RegisterAdminDto } from './dto/register-admin.dto';
import { RegisterUserDto } from './dto/register-user.dto';
import { MessageResponseDto } from './dto/responses.dto';
import { UsersService } from './users.service';

const REGISTERED = 'User registered successfully';

@ApiTags('auth')
@Controller('auth')
export class RegistrationController {
  constructor(private readonly users: UsersService) {}

  @Post('register-user')
  @UseGuards(ChatThrottlerGuard)
  @SkipThrottle({ account: true, profile: true })
  async registerUser(@Body() body: RegisterUserDto): Promise<MessageResponseDto> {
    return this.users.registerUser(body).then(() => new MessageResponseDto(REGISTERED));
  }

  @Post('register-admin')
  @Authenticated({ role: Role.Admin, compat: true })
  async registerAdmin(
    @CurrentUser() caller: AuthUser,
    @Body() body: RegisterAdminDto,
  ): Promise<MessageResponseDto> {
    return this.users.registerByAdmin(caller, body).then(() => new MessageResponseDto(REGISTERED));
  }
}
