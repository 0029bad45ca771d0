export { GENERAL_ROOM_ID } from './general-room';
export { Room } from './room.entity';
export { RoomsModule } from './rooms.module';
