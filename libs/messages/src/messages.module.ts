import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { EventBus, EventsModule } from '@chat/events';
import { ChatMetrics, MetricsModule } from '@chat/metrics';
import { RolesModule } from '@chat/roles';
import { UsersModule } from '@chat/users';
import { Message } from './message.entity';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Message]),
    AuthModule,
    EventsModule,
    MetricsModule,
    RolesModule,
    UsersModule,
  ],
  controllers: [MessagesController],
  providers: [
    MessagesService,
    PreparedStatements,
    {
      provide: MessageWriter,
      inject: [PreparedStatements, AppConfig, EventBus, ChatMetrics],
      useFactory: (sql: PreparedStatements, config: AppConfig, events: EventBus, metrics: ChatMetrics) =>
        new MessageWriter(sql, config.timeZone, events, metrics),
    },
  ],
  exports: [MessagesService],
})
export class MessagesModule {}
