import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { DirectRoomsController } from './direct-rooms.controller';
import { DirectRoomsService } from './direct-rooms.service';
import { RoomAccess } from './room-access.service';
import { RoomChangeLog } from './room-change-log.service';
import { RoomChangesRepository } from './room-changes.repository';
import { RoomMembersController } from './room-members.controller';
import { RoomMembersRepository } from './room-members.repository';
import { RoomMembership } from './room-membership.entity';
import { RoomMembershipsService } from './room-memberships.service';
import { Room } from './room.entity';
import { RoomsController } from './rooms.controller';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';
import { TransactionRunner } from './transaction-runner.service';

/** Rooms, memberships and direct rooms over HTTP (/api/v1), and RoomAccess for the other modules. */
@Module({
  imports: [TypeOrmModule.forFeature([Room, RoomMembership]), AuthModule, EventsModule],
  controllers: [RoomsController, RoomMembersController, DirectRoomsController],
  providers: [
    RoomAccess,
    RoomsService,
    RoomMembershipsService,
    DirectRoomsService,
    RoomChangeLog,
    RoomsRepository,
    RoomMembersRepository,
    RoomChangesRepository,
    TransactionRunner,
  ],
  exports: [TypeOrmModule, RoomAccess, RoomsService, RoomMembershipsService],
})
export class RoomsModule {}
