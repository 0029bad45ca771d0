import { Module } from '@nestjs/common';
import { AdminPanelModule } from '@chat/admin';
import { AvatarsModule } from '@chat/avatars';
import { AppConfigModule } from '@chat/config';
import { DatabaseModule } from '@chat/database';
import { ErrorsModule } from '@chat/errors';
import { HealthModule } from '@chat/health';
import { LoggingModule } from '@chat/logging';
import { MessagesModule } from '@chat/messages';
import { MetricsModule } from '@chat/metrics';
import { ModerationModule } from '@chat/moderation';
import { RealtimeModule } from '@chat/realtime';
import { SearchModule } from '@chat/search';
import { UsersModule } from '@chat/users';

@Module({
  imports: [
    AppConfigModule.forRoot(),
    LoggingModule,
    DatabaseModule,
    ErrorsModule,
    MetricsModule,
    HealthModule,
    UsersModule,
    MessagesModule,
    AvatarsModule,
    RealtimeModule,
    SearchModule,
    ModerationModule,
    AdminPanelModule.register(),
  ],
})
export class AppModule {}
