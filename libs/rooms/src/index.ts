export { DirectRoomsService } from './direct-rooms.service';
export { GENERAL_ROOM_ID } from './general-room';
export { RoomAccess, RoomAccessResult } from './room-access.service';
export { RoomMembership, membershipKey, parseMembershipKey } from './room-membership.entity';
export { RoomMembershipsService } from './room-memberships.service';
export { Room } from './room.entity';
export { RoomsModule } from './rooms.module';
export { RoomsService } from './rooms.service';
export type { DirectoryPage, MyRoom, RoomUser, RoomView } from './room-views';
