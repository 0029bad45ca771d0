import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@chat/audit';
import { AuthModule } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { EventsModule } from '@chat/events';
import { RolesModule } from '@chat/roles';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { PasswordHasher } from './password-hasher.service';
import { ProfileController } from './profile.controller';
import { RegistrationController } from './registration.controller';
import { throttlerOptions } from './throttling';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    AuditModule,
    AuthModule,
    EventsModule,
    RolesModule,
    ThrottlerModule.forRootAsync({ inject: [AppConfig], useFactory: throttlerOptions }),
  ],
  controllers: [RegistrationController, UsersController, ProfileController],
  providers: [UsersService, UsersRepository, PasswordHasher, AdminBootstrapService],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
