import type {
  ActionContext,
  ActionRequest,
  ActionResponse,
  BaseProperty,
  BaseRecord,
  ResourceWithOptions,
} from 'adminjs' with { 'resolution-mode': 'import' };
import type { Resource as TypeOrmResource } from '@adminjs/typeorm' with {
  'resolution-mode': 'import',
};
import { normalizeMessageText } from '@chat/protocol';
import { Role, ROLES } from '@chat/roles';
import { parseMembershipKey, Room, RoomMembership } from '@chat/rooms';
import { User } from '@chat/users';
import { messageResourceClass, SEARCH_CUT_OFF_NOTICE, wasCutOff } from './message-search-resource';
import { auditLogResource } from './moderation/audit-log-resource';
import { reportQueueResource } from './moderation/report-queue-resource';
import { withAccess } from './panel-access';
import { saveOnPost } from './panel-actions';
import { PanelServices } from './panel-services';

/** The AdminJS classes a resource of our own builds on (AdminJS loads as an ES module). */
export interface PanelAdapter {
  Resource: typeof TypeOrmResource;
  BaseRecord: typeof BaseRecord;
  BaseProperty: typeof BaseProperty;
}

const NAVIGATION = { name: 'Chat', icon: 'MessageCircle' };
const VIA_PANEL = 'panel';

export function panelResources(
  services: PanelServices,
  adapter: PanelAdapter,
  options: { searchTimeoutMs: number },
): ResourceWithOptions[] {
  // Site moderators work the report queue only; everything else is the admins'.
  return [
    withAccess(usersResource(services)),
    withAccess(messagesResource(services, adapter, options.searchTimeoutMs)),
    withAccess(roomsResource(services)),
    withAccess(membershipsResource(services, adapter)),
    withAccess(reportQueueResource(services, adapter), ['list', 'show', 'edit']),
    withAccess(auditLogResource(adapter)),
  ];
}

/** Accounts. A role change and a deletion are audited with the admin as the actor. */
function usersResource(services: PanelServices): ResourceWithOptions {
  const { users, audit } = services;
  return {
    resource: User,
    options: {
      navigation: NAVIGATION,
      sort: { sortBy: 'id', direction: 'asc' },
      listProperties: ['id', 'name', 'role', 'avatar', 'createdAt', 'deletedAt'],
      showProperties: ['id', 'name', 'role', 'avatar', 'createdAt', 'updatedAt', 'deletedAt'],
      filterProperties: ['name', 'role', 'deletedAt'],
      editProperties: ['role'],
      properties: {
        passwordHash: { isVisible: false },
        role: {
          availableValues: [
            { value: '1', label: '1 user' },
            { value: '2', label: '2 moderator' },
            { value: '3', label: '3 admin' },
          ],
        },
      },
      actions: {
        new: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        edit: {
          handler: saveOnPost(
            services,
            async ({ id, payload, actor }) => {
              const role = Number(payload.role) as Role;
              if (!ROLES.includes(role)) return 'Role must be 1, 2 or 3';
              const previous = await users.changeRole(id, role);
              if (previous === role) return;
              await audit.record({
                actorId: actor.id,
                action: 'user.role',
                targetUserId: id,
                details: { via: VIA_PANEL, from: previous, to: role },
              });
            },
            "Role saved; a demotion ended that user's sessions",
          ),
        },
        delete: {
          guard: 'Delete this account? Its messages stay, shown as "Deleted #id".',
          handler: saveOnPost(
            services,
            async ({ id, actor }) => {
              const deleted = await users.delete(id);
              if (!deleted) return 'This account is deleted already';
              await audit.record({
                actorId: actor.id,
                action: 'user.delete',
                targetUserId: id,
                details: { via: VIA_PANEL, name: deleted.previousName },
              });
            },
            'Account deleted',
          ),
        },
      },
    },
  };
}

/**
 * Messages of every room. The text filter is the full-text search (see MessageResource), each
 * list cut off at the search's timeout with a notice instead of an error. An edit or a deletion of
 * another's message is audited by MessagesService, with the admin as the actor.
 */
function messagesResource(
  services: PanelServices,
  adapter: PanelAdapter,
  searchTimeoutMs: number,
): ResourceWithOptions {
  const { messages } = services;
  const asAdmin = { via: VIA_PANEL };
  return {
    resource: new (messageResourceClass(adapter, searchTimeoutMs))(),
    options: {
      navigation: NAVIGATION,
      sort: { sortBy: 'id', direction: 'desc' },
      // userId is the reference to the author: the panel shows and filters it by name.
      listProperties: ['id', 'userId', 'text', 'createdAt', 'editedAt'],
      showProperties: ['id', 'userId', 'text', 'createdAt', 'editedAt', 'clientId'],
      filterProperties: ['userId', 'text', 'createdAt'],
      editProperties: ['text'],
      properties: {
        userId: { reference: 'User', description: 'Author' },
        text: { type: 'textarea' },
      },
      actions: {
        new: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        list: {
          after: (response: ActionResponse, _request: ActionRequest, context: ActionContext) =>
            wasCutOff(context)
              ? { ...response, notice: { message: SEARCH_CUT_OFF_NOTICE, type: 'error' } }
              : response,
        },
        edit: {
          handler: saveOnPost(
            services,
            async ({ id, payload, actor }) => {
              const text = normalizeMessageText(payload.text);
              if (text === null) return 'The text must be 1 to 1000 characters';
              await messages.rewrite(id, text, {}, { ...asAdmin, actorId: actor.id });
            },
            'Message saved; open chats show the change',
          ),
        },
        delete: {
          handler: saveOnPost(
            services,
            async ({ id, actor }) => {
              await messages.remove(id, { ...asAdmin, actorId: actor.id });
            },
            'Message deleted',
          ),
        },
      },
    },
  };
}

/**
 * Rooms, listed and filtered. Delete archives (as DELETE /api/v1/rooms/:id does): AdminJS's own
 * delete is the one action its pages send as a POST, and archiving goes through RoomsService so
 * members are told, and audits the archive with the admin as the actor. The panel acts in private
 * rooms and DMs too.
 */
function roomsResource(services: PanelServices): ResourceWithOptions {
  const { rooms } = services;
  return {
    resource: Room,
    options: {
      navigation: NAVIGATION,
      sort: { sortBy: 'id', direction: 'asc' },
      listProperties: ['id', 'kind', 'name', 'topic', 'lastSeq', 'createdAt', 'archivedAt'],
      showProperties: [
        'id',
        'kind',
        'name',
        'topic',
        'createdBy',
        'createdAt',
        'archivedAt',
        'lastSeq',
        'dmKey',
      ],
      filterProperties: ['kind', 'name', 'createdBy', 'createdAt', 'archivedAt'],
      properties: {
        createdBy: { reference: 'User', description: 'Creator' },
        kind: {
          availableValues: ['public', 'private', 'direct'].map((kind) => ({
            value: kind,
            label: kind,
          })),
        },
        dmKey: { description: 'A direct room: its two members, "low:high" user ids' },
      },
      actions: {
        new: { isAccessible: false },
        edit: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        delete: {
          guard: 'Archive this room? Members keep reading it; nobody can write or join.',
          handler: saveOnPost(
            services,
            ({ id, actor }) => rooms.archiveFromPanel(id, actor.id),
            'Room archived; its members were told',
          ),
        },
      },
    },
  };
}

/**
 * Memberships (room_members), listed and filtered by room, user and room role. The table's key is
 * the pair, and AdminJS addresses a record by one id: records are named "room:user" (see
 * MembershipResource). Delete removes the member through RoomMembershipsService, so the room is
 * told, and is audited with the admin as the actor. The general room has no rows: everyone is in it.
 */
function membershipsResource(services: PanelServices, adapter: PanelAdapter): ResourceWithOptions {
  const { memberships, audit } = services;
  return {
    resource: new (membershipResourceClass(adapter))(),
    options: {
      navigation: NAVIGATION,
      sort: { sortBy: 'joinedAt', direction: 'desc' },
      listProperties: ['roomId', 'userId', 'role', 'joinedAt'],
      showProperties: ['roomId', 'userId', 'role', 'joinedAt'],
      filterProperties: ['roomId', 'userId', 'role'],
      properties: {
        roomId: { reference: 'Room', description: 'Room' },
        userId: { reference: 'User', description: 'Member' },
        role: {
          availableValues: [
            { value: 'owner', label: 'owner' },
            { value: 'member', label: 'member' },
          ],
        },
      },
      actions: {
        new: { isAccessible: false },
        edit: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        delete: {
          guard: 'Remove this member from the room? They stop receiving it at once.',
          handler: saveOnPost(
            services,
            async ({ rawId, actor }) => {
              const pair = parseMembershipKey(rawId);
              if (!pair) return 'No such membership';
              await memberships.removeFromPanel(pair.roomId, pair.userId);
              await audit.record({
                actorId: actor.id,
                action: 'room.member.remove',
                targetUserId: pair.userId,
                targetRoomId: pair.roomId,
                details: { via: VIA_PANEL },
              });
            },
            'Member removed; the room was told',
          ),
        },
      },
    },
  };
}

/** The TypeORM resource of RoomMembership, with records named by "room:user". */
function membershipResourceClass({ Resource, BaseRecord, BaseProperty }: PanelAdapter) {
  const keyProperty = new BaseProperty({ path: 'key', isId: true, isSortable: false });
  return class MembershipResource extends Resource {
    constructor() {
      super(RoomMembership);
    }

    override idName(): string {
      return 'key';
    }

    override properties() {
      // The two columns of the key are plain properties here; `key` is the record's id.
      const columns = super
        .properties()
        .map((property) =>
          Object.assign(Object.create(property) as typeof property, { isId: () => false }),
        );
      return [keyProperty as unknown as (typeof columns)[number], ...columns];
    }

    override property(path: string) {
      return path === 'key'
        ? (keyProperty as unknown as ReturnType<TypeOrmResource['property']>)
        : super.property(path);
    }

    override async findOne(id: string | number): Promise<BaseRecord | null> {
      const pair = parseMembershipKey(String(id));
      const found = pair ? await RoomMembership.findOneBy(pair) : null;
      return found ? new BaseRecord(found as never, this) : null;
    }

    override async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
      const records = await Promise.all(ids.map((id) => this.findOne(id)));
      return records.filter((record): record is BaseRecord => record !== null);
    }
  };
}
