import type { ActionContext, BaseRecord, Filter, ResourceWithOptions } from 'adminjs' with {
  'resolution-mode': 'import',
};
import { AUDIT_ACTIONS } from '@chat/audit';
import type { PanelAdapter } from '../admin-resources';
import { AuditLogEntry } from './audit-log-entry.entity';
import { MODERATION_NAVIGATION } from './report-queue-resource';

const REFUSED = { isAccessible: false };

/**
 * The audit log, read-only: listed newest first and shown, filtered by action, actor, target and
 * time. No action writes (the table's trigger would refuse it anyway).
 */
export function auditLogResource(adapter: PanelAdapter): ResourceWithOptions {
  return {
    resource: new (auditLogResourceClass(adapter))(),
    options: {
      navigation: MODERATION_NAVIGATION,
      sort: { sortBy: 'id', direction: 'desc' },
      listProperties: [
        'id',
        'createdAt',
        'actorId',
        'action',
        'targetUserId',
        'targetRoomId',
        'targetMessageId',
        'reason',
      ],
      showProperties: [
        'id',
        'createdAt',
        'actorId',
        'action',
        'targetUserId',
        'targetRoomId',
        'targetMessageId',
        'reason',
        'details',
      ],
      filterProperties: ['action', 'actorId', 'targetUserId', 'targetRoomId', 'createdAt'],
      properties: {
        action: {
          availableValues: AUDIT_ACTIONS.map((action) => ({ value: action, label: action })),
        },
        targetUserId: { reference: 'User' },
        targetRoomId: { reference: 'Room' },
        details: { type: 'textarea', description: 'As JSON' },
      },
      actions: { new: REFUSED, edit: REFUSED, delete: REFUSED, bulkDelete: REFUSED },
    },
  };
}

type FindParams = Parameters<PanelAdapter['Resource']['prototype']['find']>[1];

/**
 * The TypeORM resource of AuditLogEntry whose action filter matches the action exactly (the
 * adapter's text filter is LIKE '%value%') and whose records show their details as JSON text.
 */
function auditLogResourceClass({ Resource }: PanelAdapter) {
  return class AuditLogResource extends Resource {
    constructor() {
      super(AuditLogEntry);
    }

    override async find(
      filter: Filter,
      params: FindParams,
      _context?: ActionContext,
    ): Promise<BaseRecord[]> {
      return (await super.find(exactAction(filter), params)).map(detailsAsText);
    }

    override count(filter: Filter): Promise<number> {
      return super.count(exactAction(filter));
    }

    override async findOne(id: string | number): Promise<BaseRecord | null> {
      const found = await super.findOne(id);
      return found && detailsAsText(found);
    }

    override async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
      return (await super.findMany(ids)).map(detailsAsText);
    }
  };
}

/** The adapter passes a filter's `custom` value on as the column's value: equality. */
function exactAction(filter: Filter): Filter {
  const action = filter.filters.action;
  if (typeof action?.value !== 'string') return filter;
  const filters = { ...filter.filters, action: { ...action, custom: action.value } };
  return Object.assign(Object.create(filter) as Filter, { filters });
}

function detailsAsText(record: BaseRecord): BaseRecord {
  record.set('details', JSON.stringify(record.get('details') ?? {}));
  return record;
}
