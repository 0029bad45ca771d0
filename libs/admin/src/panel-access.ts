import type { ActionContext, CurrentAdmin, IsFunction, ResourceWithOptions } from 'adminjs' with {
  'resolution-mode': 'import',
};
import { Role } from '@chat/roles';
import type { AdminIdentity } from './admin-auth.service';

/** AdminJS's own actions: each resource has them unless its options turn one off. */
const DEFAULT_ACTIONS = ['list', 'search', 'show', 'new', 'edit', 'delete', 'bulkDelete'];

/**
 * The role of the panel login behind a request. AdminSessionStore drops a login whose account no
 * longer has the role it logged in with, so this is the account's live role.
 */
export function panelRole(currentAdmin: CurrentAdmin | undefined): Role | undefined {
  return (currentAdmin as Partial<AdminIdentity> | undefined)?.role;
}

export function isPanelAdmin(context: Pick<ActionContext, 'currentAdmin'> | undefined): boolean {
  return panelRole(context?.currentAdmin) === Role.Admin;
}

const forModerators: IsFunction = ({ currentAdmin }) => {
  const role = panelRole(currentAdmin);
  return role === Role.Moderator || role === Role.Admin;
};

/**
 * `resource` with each action open to admins only, except `moderatorActions`, open to site
 * moderators too. An action turned off stays off. AdminJS hides what is not accessible (a resource
 * without an accessible list leaves the navigation) and refuses it with a "forbidden" notice.
 */
export function withAccess(
  resource: ResourceWithOptions,
  moderatorActions: readonly string[] = [],
): ResourceWithOptions {
  const actions = { ...resource.options.actions } as Record<string, Record<string, unknown>>;
  const names = new Set([...DEFAULT_ACTIONS, ...Object.keys(actions)]);
  for (const name of names) {
    const action = actions[name] ?? {};
    if (action.isAccessible === false) continue;
    if (action.isAccessible !== undefined) throw new Error(`${name}: access is set here only`);
    const isAccessible = moderatorActions.includes(name) ? forModerators : isPanelAdmin;
    actions[name] = { ...action, isAccessible };
  }
  return { ...resource, options: { ...resource.options, actions } };
}
