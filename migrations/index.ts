// Every migration, in order. `npm run migration:generate` writes a new file here: add its class.
import { CreateUsersAndSessions1764280000000 } from './1764280000000-create-users-and-sessions';
import { CreateMessages1764290000000 } from './1764290000000-create-messages';
import { CreateAdminSessions1764300000000 } from './1764300000000-create-admin-sessions';
import { AddSessionExpiry1764310000000 } from './1764310000000-add-session-expiry';
import { AddMessageWriteId1764320000000 } from './1764320000000-add-message-write-id';
import { AddRoomsAndMessageSeq1764330000000 } from './1764330000000-add-rooms-and-message-seq';
import { AddRoomMembersAndChanges1764340000000 } from './1764340000000-add-room-members-and-changes';
import { AddMentionsAndReadMarkers1764350000000 } from './1764350000000-add-mentions-and-read-markers';
import { StartReadMarkers1764350000001 } from './1764350000001-start-read-markers';
import { AddMessageSearch1764360000000 } from './1764360000000-add-message-search';
import { IndexMessageSearch1764360000001 } from './1764360000001-index-message-search';
import { AddModeration1764370000000 } from './1764370000000-add-moderation';
import { InsertMessagesInRooms1764380000000 } from './1764380000000-insert-messages-in-rooms';
import { IndexGeneralMessages1764390000000 } from './1764390000000-index-general-messages';
import { NumberRoomsByIndex1764400000000 } from './1764400000000-number-rooms-by-index';
import { FindRoomsByKey1764410000000 } from './1764410000000-find-rooms-by-key';

export const migrations = [
  CreateUsersAndSessions1764280000000,
  CreateMessages1764290000000,
  CreateAdminSessions1764300000000,
  AddSessionExpiry1764310000000,
  AddMessageWriteId1764320000000,
  AddRoomsAndMessageSeq1764330000000,
  AddRoomMembersAndChanges1764340000000,
  AddMentionsAndReadMarkers1764350000000,
  StartReadMarkers1764350000001,
  AddMessageSearch1764360000000,
  IndexMessageSearch1764360000001,
  AddModeration1764370000000,
  InsertMessagesInRooms1764380000000,
  IndexGeneralMessages1764390000000,
  NumberRoomsByIndex1764400000000,
  FindRoomsByKey1764410000000,
];
