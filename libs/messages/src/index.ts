export { Message } from './message.entity';
export { MessagesModule } from './messages.module';
export { MessagesService } from './messages.service';
export { RoomMessage, roomMessageJsonSql, toRoomMessage } from './message-json';
export { RoomMessageDto } from './dto/room-message.dto';
export { RoomHistory } from './room-history.service';
export { RoomMessagesService } from './room-messages.service';
export { MessagePathDto } from './dto/room-message-requests.dto';
