import type {
  ActionContext,
  ActionRequest,
  ActionResponse,
  BaseRecord,
  CurrentAdmin,
} from 'adminjs' with { 'resolution-mode': 'import' };
import { AuthUser } from '@chat/auth';
import { DomainError, InvalidInputError } from '@chat/errors';

export type Handler = (
  request: ActionRequest,
  response: unknown,
  context: ActionContext,
) => Promise<ActionResponse>;

/** Who a panel request acts as (PanelServices): null once its login no longer holds. */
export interface PanelCaller {
  actingUser(currentAdmin: CurrentAdmin | undefined): Promise<AuthUser | null>;
}

/** What a record action works on: the record, its id, the form's values and who acts. */
export interface PanelChange {
  /** The record's id as a number (NaN for a membership, named "room:user": see `rawId`). */
  id: number;
  rawId: string;
  record: BaseRecord;
  payload: Record<string, unknown>;
  actor: AuthUser;
}

/** An error text to show instead of saving; nothing when the change was made. */
type Refusal = string | void;

const LOGIN_ENDED = 'Your panel login has ended; log in again';

/**
 * A record action that shows the record on GET and, on POST, runs `change` as the logged-in admin
 * with the form's values. A text `change` returns, or a refusal of the services (not found, not
 * allowed, bad input...), is shown to the admin as an error instead.
 */
export function saveOnPost(
  caller: PanelCaller,
  change: (target: PanelChange) => Promise<Refusal>,
  success: string | ((payload: Record<string, unknown>) => string),
): Handler {
  return async (request, _response, context) => {
    const { record, resource, currentAdmin, h } = context;
    if (!record) throw new Error('This action needs a record');
    if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
    const payload = request.payload ?? {};
    const actor = await caller.actingUser(currentAdmin);
    const problem = actor
      ? await refusalOf(() =>
          change({ id: Number(record.id()), rawId: String(record.id()), record, payload, actor }),
        )
      : LOGIN_ENDED;
    if (problem) {
      return { record: record.toJSON(currentAdmin), notice: { message: problem, type: 'error' } };
    }
    const fresh = (await resource.findOne(record.id())) ?? record;
    return {
      record: fresh.toJSON(currentAdmin),
      redirectUrl: h.resourceUrl({ resourceId: resource._decorated?.id() ?? resource.id() }),
      notice: {
        message: typeof success === 'string' ? success : success(payload),
        type: 'success',
      },
    };
  };
}

async function refusalOf(change: () => Promise<Refusal>): Promise<Refusal> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof InvalidInputError) {
      return error.problems.map((problem) => problem.message).join('; ');
    }
    if (error instanceof DomainError) return error.detail;
    throw error;
  }
}
