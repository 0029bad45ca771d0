import { dialogStatus } from './dialog-status';
import { h } from './dom';
import { DURATIONS, REASON_MAX, reasonProblem, untilAfter } from './moderation-rules';

/** What the form gives: the reason as typed (trimmed), the end time, and the room-ban choice. */
export interface ReasonFields {
  reason: string;
  /** ISO 8601; undefined for no end (or no duration asked). */
  until?: string;
  /** "and ban from the room" was ticked. */
  ban: boolean;
}

export interface ReasonRequest {
  /** The dialog's heading and name: "Report message", "Ban ann". */
  title: string;
  /** A line above the form (the reported text, say). */
  intro?: string;
  submitLabel: string;
  /** Ask for a duration, labelled so ("For"). */
  duration?: string;
  /** Offer "and ban from the room"; the duration is the room ban's and asked only with it. */
  roomBan?: boolean;
  /** Sends it; resolves with what the status line then says ("Reported", "ann is banned"). */
  submit(fields: ReasonFields): Promise<string>;
}

/**
 * One dialog for every action that takes a reason (reporting a message, banning, muting,
 * kicking): a reason of 1 to 500 characters, maybe a duration, and the server's answer in its
 * status line, its refusal (403, 409, 429) as the server says it.
 */
export function reasonDialog(): { dialog: HTMLDialogElement; open(request: ReasonRequest): void } {
  const status = dialogStatus();
  const title = h('h2', { id: 'reason-title' });
  const intro = h('p', { class: 'reason-intro' });
  const reason = h('textarea', { id: 'reason-text', rows: 3, maxlength: REASON_MAX });
  const roomBan = h('input', { id: 'reason-room-ban', type: 'checkbox' });
  const roomBanLine = h('label', { class: 'choice' }, roomBan, 'and ban from the room');
  const duration = h(
    'select',
    { id: 'reason-duration' },
    ...DURATIONS.map(({ label }, index) => h('option', { value: index }, label)),
  );
  const durationLabel = h('label', { for: 'reason-duration' });
  const submitButton = h('button', { type: 'submit' });
  const closeButton = h('button', {
    type: 'button',
    class: 'secondary',
    onclick: () => dialog.close(),
  });
  let request: ReasonRequest | undefined;

  const showDuration = () => {
    const asked = request?.duration !== undefined && (!request.roomBan || roomBan.checked);
    durationLabel.hidden = duration.hidden = !asked;
  };
  roomBan.addEventListener('change', showDuration);

  const form = h(
    'form',
    {
      onsubmit: (event) => {
        event.preventDefault();
        if (!request) return;
        const problem = reasonProblem(reason.value);
        if (problem) return status.report(problem, true);
        const asked = !duration.hidden;
        const fields: ReasonFields = {
          reason: reason.value.trim(),
          until: asked ? untilAfter(DURATIONS[Number(duration.value)].ms) : undefined,
          ban: request.roomBan === true && roomBan.checked,
        };
        const { submit } = request;
        let said = '';
        void status
          .attempt(async () => (said = await submit(fields)))
          .then((taken) => {
            if (!taken) return;
            status.report(said);
            submitButton.disabled = true;
            closeButton.textContent = 'Close';
          });
      },
    },
    h('label', { for: 'reason-text' }, 'Reason'),
    reason,
    roomBanLine,
    durationLabel,
    duration,
    status.element,
    h('div', { class: 'row' }, submitButton, closeButton),
  );
  const dialog = h(
    'dialog',
    { class: 'card form-dialog', 'aria-labelledby': 'reason-title' },
    title,
    intro,
    form,
  );

  const open = (asked: ReasonRequest) => {
    request = asked;
    form.reset();
    status.report('');
    title.textContent = asked.title;
    intro.textContent = asked.intro ?? '';
    intro.hidden = asked.intro === undefined;
    roomBanLine.hidden = !asked.roomBan;
    durationLabel.textContent = asked.duration ?? '';
    duration.value = String(DURATIONS.length - 1);
    showDuration();
    submitButton.textContent = asked.submitLabel;
    submitButton.disabled = false;
    closeButton.textContent = 'Cancel';
    if (!dialog.open) dialog.showModal();
    reason.focus();
  };
  return { dialog, open };
}
