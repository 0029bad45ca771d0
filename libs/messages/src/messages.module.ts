import { Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthModule } from '@chat/auth';
import { AppConfig } from '@chat/config';
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
    {
      provide: MessageWriter,
      inject: [getDataSourceToken(), AppConfig, EventBus, ChatMetrics],
      useFactory: (
        dataSource: DataSource,
        config: AppConfig,
        events: EventBus,
        metrics: ChatMetrics,
      ) => new MessageWriter(dataSource, config.timeZone, events, metrics),
    },
  ],
  exports: [MessagesService],
})
export class MessagesModule {}
