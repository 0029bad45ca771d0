import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { MetricsModule } from '@chat/metrics';
import { RolesModule } from '@chat/roles';
import { RoomsModule } from '@chat/rooms';
import { UsersModule } from '@chat/users';
import { Message } from './message.entity';
import { MessageWriter } from './message-writer.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Message]),
    AuthModule,
    EventsModule,
    MetricsModule,
    RolesModule,
    RoomsModule,
    UsersModule,
  ],
  controllers: [MessagesController],
  providers: [MessagesService, MessagesRepository, MessageWriter],
  exports: [MessagesService],
})
export class MessagesModule {}
