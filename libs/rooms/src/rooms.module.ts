import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@chat/audit';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { DirectRoomsController } from './direct-rooms.controller';
import { DirectRoomsService } from './direct-rooms.service';
import { ReadMarkersController } from './read-markers.controller';
import { ReadMarkersRepository } from './read-markers.repository';
import { ReadMarkers } from './read-markers.service';
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
import { RoomBansRepository } from './room-bans.repository';
import { RoomsService } from './rooms.service';
import { TransactionRunner } from './transaction-runner.service';

/**
 * Rooms, memberships, direct rooms and read markers over HTTP (/api/v1), and RoomAccess and
 * ReadMarkers for the other modules.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Room, RoomMembership]),
    AuditModule,
    AuthModule,
    EventsModule,
  ],
  controllers: [
    RoomsController,
    RoomMembersController,
    DirectRoomsController,
    ReadMarkersController,
  ],
  providers: [
    RoomAccess,
    RoomsService,
    RoomMembershipsService,
    DirectRoomsService,
    RoomChangeLog,
    RoomsRepository,
    RoomMembersRepository,
    RoomChangesRepository,
    ReadMarkers,
    ReadMarkersRepository,
    RoomBansRepository,
    TransactionRunner,
  ],
  exports: [TypeOrmModule, RoomAccess, RoomsService, RoomMembershipsService, ReadMarkers],
})
export class RoomsModule {}
