export { isClientId, normalizeMessageText } from './message-text';
export { Message } from './message.entity';
export { MessagesModule } from './messages.module';
export { MessagesService } from './messages.service';
