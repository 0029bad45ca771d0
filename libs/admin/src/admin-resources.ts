import type {
  ActionContext,
  ActionRequest,
  ActionResponse,
  ResourceWithOptions,
} from 'adminjs' with { 'resolution-mode': 'import' };
import { Message, MessagesService, normalizeMessageText } from '@chat/messages';
import { ROLES } from '@chat/roles';
import { Room } from '@chat/rooms';
import { User, UsersService } from '@chat/users';

/** What the panel's custom actions call: the same services as the API, so the same events go out. */
export interface PanelServices {
  users: UsersService;
  messages: MessagesService;
}

type Handler = (
  request: ActionRequest,
  response: unknown,
  context: ActionContext,
) => Promise<ActionResponse>;

const NAVIGATION = { name: 'Chat', icon: 'MessageCircle' };

export function panelResources(services: PanelServices): ResourceWithOptions[] {
  return [usersResource(services), messagesResource(services), roomsResource()];
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

function messagesResource({ messages }: PanelServices): ResourceWithOptions {
  return {
    resource: Message,
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
 * Read only until rooms have their service: a message's room is a reference the panel must be able
 * to resolve.
 */
function roomsResource(): ResourceWithOptions {
  return {
    resource: Room,
    options: {
      navigation: NAVIGATION,
      sort: { sortBy: 'id', direction: 'asc' },
      listProperties: ['id', 'kind', 'name', 'topic', 'lastSeq', 'createdAt', 'archivedAt'],
      properties: { createdBy: { reference: 'User', description: 'Creator' } },
      actions: {
        new: { isAccessible: false },
        edit: { isAccessible: false },
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
      },
    },
  };
}

/**
 * A record action that shows the record on GET and, on POST, runs `change` with the record id and
 * the form's values; `change` returns an error text to show instead of saving.
 */
function saveOnPost(
  change: (id: number, payload: Record<string, unknown>) => Promise<string | void>,
  success: string,
): Handler {
  return async (request, _response, context) => {
    const { record, resource, currentAdmin, h } = context;
    if (!record) throw new Error('This action needs a record');
    if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
    const problem = await change(Number(record.id()), request.payload ?? {});
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
