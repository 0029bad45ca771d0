import { Module } from '@nestjs/common';
import { AvatarsModule } from '@chat/avatars';
import { AppConfigModule } from '@chat/config';
import { DatabaseModule } from '@chat/database';
import { ErrorsModule } from '@chat/errors';
import { MessagesModule } from '@chat/messages';
import { RealtimeModule } from '@chat/realtime';
import { UsersModule } from '@chat/users';

@Module({
  imports: [
    AppConfigModule.forRoot(),
    DatabaseModule,
    ErrorsModule,
    UsersModule,
    MessagesModule,
    AvatarsModule,
    RealtimeModule,
  ],
})
export class AppModule {}
