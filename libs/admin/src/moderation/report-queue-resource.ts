import type {
  ActionContext,
  BaseRecord,
  Filter,
  FilterElement,
  ResourceWithOptions,
} from 'adminjs' with { 'resolution-mode': 'import' };
import { AuthUser } from '@chat/auth';
import type { PanelAdapter } from '../admin-resources';
import { isPanelAdmin } from '../panel-access';
import { saveOnPost } from '../panel-actions';
import { PanelServices } from '../panel-services';
import { MessageReport } from './message-report.entity';
import { REPORT_DECISIONS, ReportDecision, reportDecision } from './report-decision';

export const MODERATION_NAVIGATION = { name: 'Moderation', icon: 'Shield' };

/** The act-on-report form's own fields: not columns, shown on that form only. */
const FORM_ONLY = { list: false, show: false, filter: false, edit: true };

const DONE: Record<string, string> = {
  resolve: 'Report resolved',
  delete: 'Message deleted and report resolved',
  mute: 'Author muted everywhere; the report stays open until resolved',
  ban: 'Author banned and signed out everywhere; the report stays open until resolved',
};

/**
 * The report queue: message_reports, open and resolved, newest first, each with the message as it
 * was reported, its room and author, the reporter and the reason. Its edit action is the
 * moderator's form ("Act on report"): resolve with a note, delete the message and resolve, or mute
 * or ban the author with a reason and an optional end. Each goes through the moderation services
 * as the logged-in admin or site moderator, so their rules, events and audit rows apply. A site
 * moderator sees and acts on the reports of public rooms only, as in the API (ReportsService).
 */
export function reportQueueResource(
  services: PanelServices,
  adapter: PanelAdapter,
): ResourceWithOptions {
  return {
    resource: new (reportQueueResourceClass(adapter))(),
    options: {
      navigation: MODERATION_NAVIGATION,
      sort: { sortBy: 'id', direction: 'desc' },
      listProperties: [
        'id',
        'status',
        'messageText',
        'roomId',
        'authorId',
        'reporterId',
        'reason',
        'createdAt',
      ],
      showProperties: [
        'id',
        'status',
        'messageText',
        'messageId',
        'roomId',
        'authorId',
        'reporterId',
        'reason',
        'createdAt',
        'resolvedBy',
        'resolvedAt',
        'resolution',
      ],
      filterProperties: ['status', 'roomId', 'authorId', 'reporterId', 'createdAt'],
      editProperties: ['decision', 'note', 'until'],
      properties: {
        messageText: { type: 'textarea' },
        messageId: { description: 'Empty once the message is deleted' },
        status: {
          availableValues: ['open', 'resolved'].map((status) => ({ value: status, label: status })),
        },
        decision: {
          isVisible: FORM_ONLY,
          isRequired: true,
          availableValues: REPORT_DECISIONS.map(({ value, label }) => ({ value, label })),
        },
        note: {
          isVisible: FORM_ONLY,
          type: 'textarea',
          description: "The resolution's note, or the reason for a mute or a ban (required there)",
        },
        until: {
          isVisible: FORM_ONLY,
          type: 'datetime',
          description: 'When a mute or a ban ends; empty for no end',
        },
      },
      actions: {
        new: { isAccessible: false },
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        edit: {
          icon: 'Shield',
          handler: saveOnPost(
            services,
            async ({ id, record, payload, actor }) => {
              const decision = reportDecision(payload);
              if (typeof decision === 'string') return decision;
              await act(services, actor, id, Number(record.get('authorId')), decision);
            },
            (payload) => DONE[String(payload.decision)],
          ),
        },
      },
    },
  };
}

async function act(
  { reports, mutes, bans }: PanelServices,
  actor: AuthUser,
  reportId: number,
  authorId: number,
  decision: ReportDecision,
): Promise<void> {
  if (decision.kind === 'resolve') {
    await reports.resolve(actor, reportId, decision, 'panel');
    return;
  }
  const request = { user_id: authorId, reason: decision.reason, until: decision.until };
  if (decision.kind === 'mute') await mutes.mute(actor, request, 'panel');
  else await bans.ban(actor, request, 'panel');
}

type FindParams = Parameters<PanelAdapter['Resource']['prototype']['find']>[1];

/** The TypeORM resource of MessageReport that shows a site moderator public rooms' reports only. */
function reportQueueResourceClass({ Resource }: PanelAdapter) {
  return class ReportQueueResource extends Resource {
    constructor() {
      super(MessageReport);
    }

    override find(
      filter: Filter,
      params: FindParams,
      context?: ActionContext,
    ): Promise<BaseRecord[]> {
      return super.find(visibleTo(filter, context), params);
    }

    override count(filter: Filter, context?: ActionContext): Promise<number> {
      return super.count(visibleTo(filter, context));
    }

    override async findOne(
      id: string | number,
      context?: ActionContext,
    ): Promise<BaseRecord | null> {
      if (!isPanelAdmin(context) && !(await MessageReport.existsBy(inPublicRoom(Number(id))))) {
        return null;
      }
      return super.findOne(id);
    }
  };
}

const inPublicRoom = (id?: number) => ({ id, room: { kind: 'public' as const } });

/** `filter`, narrowed to public rooms' reports unless an admin asks. */
function visibleTo(filter: Filter, context: ActionContext | undefined): Filter {
  if (isPanelAdmin(context)) return filter;
  // The adapter passes a filter's `custom` value on as TypeORM's condition on the relation.
  const publicRoom = { path: 'room', value: 'public', custom: inPublicRoom().room };
  const filters = { ...filter.filters, room: publicRoom as unknown as FilterElement };
  return Object.assign(Object.create(filter) as Filter, { filters });
}
