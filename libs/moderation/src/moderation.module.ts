import { Module } from '@nestjs/common';
import { AuditModule } from '@chat/audit';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { MessagesModule } from '@chat/messages';
import { MutesModule } from '@chat/mutes';
import { RoomsModule } from '@chat/rooms';
import { UsersModule } from '@chat/users';
import { AuditController } from './audit.controller';
import { BansService } from './bans.service';
import { KicksService } from './kicks.service';
import { ModerationController } from './moderation.controller';
import { ModerationTargets } from './moderation-targets';
import { MutesService } from './mutes.service';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

@Module({
  imports: [
    AuditModule,
    AuthModule,
    EventsModule,
    MessagesModule,
    MutesModule,
    RoomsModule,
    UsersModule,
  ],
  controllers: [ModerationController, ReportsController, AuditController],
  providers: [
    BansService,
    KicksService,
    ModerationTargets,
    MutesService,
    ReportsRepository,
    ReportsService,
  ],
  exports: [BansService, KicksService, MutesService, ReportsService],
})
export class ModerationModule {}
