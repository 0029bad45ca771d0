import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@chat/audit';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { MetricsModule } from '@chat/metrics';
import { MutesModule } from '@chat/mutes';
import { RolesModule } from '@chat/roles';
import { RoomsModule } from '@chat/rooms';
import { UsersModule } from '@chat/users';
import { Message } from './message.entity';
import { MessageStore } from './message-store.repository';
import { MessageWriter } from './message-writer.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { NewestPages } from './newest-pages.service';
import { RoomChangesRepository } from './room-changes.repository';
import { RoomHistory } from './room-history.service';
import { RoomMessagesController } from './room-messages.controller';
import { RoomMessagesService } from './room-messages.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Message]),
    AuditModule,
    AuthModule,
    EventsModule,
    MetricsModule,
    MutesModule,
    RolesModule,
    RoomsModule,
    UsersModule,
  ],
  controllers: [MessagesController, RoomMessagesController],
  providers: [
    MessagesService,
    MessagesRepository,
    MessageStore,
    MessageWriter,
    NewestPages,
    RoomChangesRepository,
    RoomHistory,
    RoomMessagesService,
  ],
  exports: [MessagesService, RoomHistory, RoomMessagesService],
})
export class MessagesModule {}
