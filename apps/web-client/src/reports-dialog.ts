import type { ReportsPage, ReportView } from '@chat/client';
import { dialogStatus } from './dialog-status';
import { h } from './dom';

export interface ReportsContext {
  /** A page of the open reports, newest first. */
  page(cursor?: number): Promise<ReportsPage>;
  /** Resolves a report, deleting its message too when asked. */
  resolve(reportId: number, deleteMessage: boolean): Promise<unknown>;
}

/**
 * The moderators' report queue: each open report with the message as reported, its room, author,
 * reporter and reason, to resolve as it stands or by deleting the message.
 */
export function reportsDialog(context: ReportsContext): {
  dialog: HTMLDialogElement;
  open(): void;
} {
  const status = dialogStatus();
  const list = h('ul', { class: 'reports', 'aria-label': 'Open reports' });
  let cursor: number | null = null;
  /** Counts the loads: a page asked for before the dialog was opened again is dropped. */
  let generation = 0;

  const act = (report: ReportView, item: HTMLElement, deleteMessage: boolean) => {
    const done = deleteMessage ? 'Message deleted, report resolved' : 'Report resolved';
    void status
      .attempt(() => context.resolve(report.id, deleteMessage), done)
      .then((taken) => {
        if (taken) item.remove();
        if (list.childElementCount === 0 && cursor === null)
          status.report(`${done}. No open report left.`);
      });
  };

  const item = (report: ReportView): HTMLLIElement => {
    const where = report.room_name ?? 'a direct conversation';
    const entry = h(
      'li',
      { class: 'report', 'data-report-id': report.id },
      h('p', { class: 'meta' }, `${report.author_name} in ${where} · `, when(report.created_at)),
      h('p', { class: 'reported-text' }, report.message_text),
      h('p', {}, `Reported by ${report.reporter_name}: ${report.reason}`),
    );
    const resolve = h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => act(report, entry, false) },
      'Resolve',
    );
    const remove =
      report.message_id === null
        ? h('span', { class: 'tag' }, 'The message is deleted already')
        : h(
            'button',
            { type: 'button', class: 'danger', onclick: () => act(report, entry, true) },
            'Delete message',
          );
    entry.append(h('div', { class: 'row' }, resolve, remove));
    return entry;
  };

  const more = h(
    'button',
    { type: 'button', class: 'secondary', hidden: true, onclick: () => void load(false) },
    'More reports',
  );

  async function load(first: boolean): Promise<void> {
    const loading = first ? ++generation : generation;
    if (first) {
      list.replaceChildren();
      cursor = null;
    }
    more.hidden = true;
    const loaded = await status.attempt(async () => {
      const page = await context.page(cursor ?? undefined);
      if (loading !== generation) return;
      list.append(...page.reports.map(item));
      cursor = page.next_cursor;
      more.hidden = cursor === null;
    });
    if (loaded && loading === generation && list.childElementCount === 0) {
      status.report('No open reports');
    }
  }

  const dialog = h(
    'dialog',
    { class: 'card form-dialog reports-dialog', 'aria-labelledby': 'reports-title' },
    h('h2', { id: 'reports-title' }, 'Reports'),
    list,
    more,
    status.element,
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => void load(true) },
        'Refresh',
      ),
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Done'),
    ),
  );
  const open = () => {
    dialog.showModal();
    void load(true);
  };
  return { dialog, open };
}

function when(iso: string): HTMLTimeElement {
  return h('time', { datetime: iso }, new Date(iso).toLocaleString());
}
