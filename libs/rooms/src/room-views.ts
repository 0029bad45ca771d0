/** The shapes of rooms as HTTP shows them: defined with the socket frames in @chat/protocol. */
export type {
  DirectoryPage,
  DirectoryRoom,
  MyRoom,
  RoomMember,
  RoomSummary,
  RoomUser,
  RoomView,
  RoomMessage as LastMessage,
} from '@chat/protocol';
