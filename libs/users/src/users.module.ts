import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { EventsModule } from '@chat/events';
import { RolesModule } from '@chat/roles';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { PasswordHasher } from './password-hasher.service';
import { RegistrationController } from './registration.controller';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

const ONE_MINUTE_MS = 60_000;

@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    AuthModule,
    EventsModule,
    RolesModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => [
        // The unnamed (per address) throttler keeps the plain Retry-After header.
        { ttl: ONE_MINUTE_MS, limit: config.authRateLimitPerMinute },
        // Password guessing spread over many addresses still meets this one.
        {
          name: 'account',
          ttl: ONE_MINUTE_MS,
          limit: config.loginAccountRateLimitPerMinute,
          getTracker: (request: { body?: { name?: unknown } }) =>
            `account:${String(request.body?.name ?? '')}`,
        },
      ],
    }),
  ],
  controllers: [RegistrationController, UsersController],
  providers: [UsersService, PasswordHasher, AdminBootstrapService],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
