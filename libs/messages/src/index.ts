export { Message } from './message.entity';
export { MessagesModule } from './messages.module';
export { MessagesService } from './messages.service';
export { RoomMessage, toRoomMessage } from './message-json';
export { RoomHistory } from './room-history.service';
export { RoomMessagesService } from './room-messages.service';
