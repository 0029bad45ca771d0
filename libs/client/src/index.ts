export { ChatClient } from './chat-client';
export type { ChatClientEvents, ChatClientOptions, ReadyEvent } from './chat-client';
export { ChatStore } from './chat-store';
export type { RoomState } from './chat-store';
export { ChatApiError, ChatSocketError, NotConnectedError } from './errors';
export { ChatHttp } from './http';
export type {
  ChatHttpOptions,
  FetchLike,
  MessageChange,
  ReadResult,
  RoomPageQuery,
  SearchQuery,
} from './http';
export type { PendingMessage } from './outbox';
export type * from './moderation-types';
export type { AuthResult, ConnectionState, SessionEndCode } from './socket-link';
export type { WebSocketConstructor, WebSocketLike } from './web-socket';
export type * from '@chat/protocol';
export {
  actingRefusal,
  ADMIN_ROLE,
  isRoomFrame,
  mentionedNames,
  MODERATOR_ROLE,
  REASON_MAX_CHARACTERS,
  roomActionRefusal,
  siteActionRefusal,
  SUBPROTOCOL,
  PROTOCOL_VERSION,
  TYPING_SHOWN_MS,
  TYPING_THROTTLE_MS,
  UNREAD_LIMIT,
} from '@chat/protocol';
