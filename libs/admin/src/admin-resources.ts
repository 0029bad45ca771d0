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
import { DomainError } from '@chat/errors';
import { MessagesService } from '@chat/messages';
import { normalizeMessageText } from '@chat/protocol';
import { ROLES } from '@chat/roles';
import {
  parseMembershipKey,
  Room,
  RoomMembership,
  RoomMembershipsService,
  RoomsService,
} from '@chat/rooms';
import { User, UsersService } from '@chat/users';
import { messageResourceClass, SEARCH_CUT_OFF_NOTICE, wasCutOff } from './message-search-resource';

/** What the panel's custom actions call: the same services as the API, so the same events go out. */
export interface PanelServices {
  users: UsersService;
  messages: MessagesService;
  rooms: RoomsService;
  memberships: RoomMembershipsService;
}

/** The AdminJS classes a resource of our own builds on (AdminJS loads as an ES module). */
export interface PanelAdapter {
  Resource: typeof TypeOrmResource;
  BaseRecord: typeof BaseRecord;
  BaseProperty: typeof BaseProperty;
}

type Handler = (
  request: ActionRequest,
  response: unknown,
  context: ActionContext,
) => Promise<ActionResponse>;

const NAVIGATION = { name: 'Chat', icon: 'MessageCircle' };

export function panelResources(
  services: PanelServices,
  adapter: PanelAdapter,
  options: { searchTimeoutMs: number },
): ResourceWithOptions[] {
  return [
    usersResource(services),
    messagesResource(services, adapter, options.searchTimeoutMs),
    roomsResource(services),
    membershipsResource(services, adapter),
  ];
}

function usersResource({ users }: PanelServices): ResourceWithOptions {
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
          handler: saveOnPost(async (id, payload) => {
            const role = Number(payload.role);
            if (!ROLES.includes(role as never)) return 'Role must be 1, 2 or 3';
            await users.changeRole(id, role);
          }, "Role saved; a demotion ended that user's sessions"),
        },
        delete: {
          guard: 'Delete this account? Its messages stay, shown as "Deleted #id".',
          handler: saveOnPost(async (id) => users.delete(id), 'Account deleted'),
        },
      },
    },
  };
}

/**
 * Messages of every room. The text filter is the full-text search (see MessageResource), each
 * list cut off at the search's timeout with a notice instead of an error.
 */
function messagesResource(
  { messages }: PanelServices,
  adapter: PanelAdapter,
  searchTimeoutMs: number,
): ResourceWithOptions {
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
          handler: saveOnPost(async (id, payload) => {
            const text = normalizeMessageText(payload.text);
            if (text === null) return 'The text must be 1 to 1000 characters';
            await messages.rewrite(id, text);
          }, 'Message saved; open chats show the change'),
        },
        delete: {
          handler: saveOnPost(async (id) => void (await messages.remove(id)), 'Message deleted'),
        },
      },
    },
  };
}

/**
 * Rooms, listed and filtered. Delete archives (as DELETE /api/v1/rooms/:id does): AdminJS's own
 * delete is the one action its pages send as a POST, and archiving goes through RoomsService so
 * members are told. The panel acts in private rooms and DMs too.
 */
function roomsResource({ rooms }: PanelServices): ResourceWithOptions {
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
            refusalAsNotice((id) => rooms.archiveFromPanel(id)),
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
 * told. The general room has no rows: everyone is in it.
 */
function membershipsResource(
  { memberships }: PanelServices,
  adapter: PanelAdapter,
): ResourceWithOptions {
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
            refusalAsNotice((_id, key) => {
              const pair = parseMembershipKey(key);
              if (!pair) return Promise.resolve('No such membership');
              return memberships.removeFromPanel(pair.roomId, pair.userId);
            }),
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

/** A refusal of the services (the general room, a DM...) shown to the admin instead of a 500. */
function refusalAsNotice(
  change: (id: number, rawId: string) => Promise<string | void>,
): (id: number, payload: Record<string, unknown>, rawId: string) => Promise<string | void> {
  return async (id, _payload, rawId) => {
    try {
      return await change(id, rawId);
    } catch (error) {
      if (error instanceof DomainError) return error.detail;
      throw error;
    }
  };
}

/**
 * A record action that shows the record on GET and, on POST, runs `change` with the record id and
 * the form's values; `change` returns an error text to show instead of saving.
 */
function saveOnPost(
  change: (id: number, payload: Record<string, unknown>, rawId: string) => Promise<string | void>,
  success: string,
): Handler {
  return async (request, _response, context) => {
    const { record, resource, currentAdmin, h } = context;
    if (!record) throw new Error('This action needs a record');
    if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
    const problem = await change(Number(record.id()), request.payload ?? {}, String(record.id()));
    if (problem) {
      return { record: record.toJSON(currentAdmin), notice: { message: problem, type: 'error' } };
    }
    const fresh = (await resource.findOne(record.id())) ?? record;
    return {
      record: fresh.toJSON(currentAdmin),
      redirectUrl: h.resourceUrl({ resourceId: resource._decorated?.id() ?? resource.id() }),
      notice: { message: success, type: 'success' },
    };
  };
}
