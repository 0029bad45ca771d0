import { REASON_MAX_CHARACTERS } from '@chat/protocol';

/** What a moderator does with a report, as the panel's form names it. */
export const REPORT_DECISIONS = [
  { value: 'resolve', label: 'Resolve' },
  { value: 'delete', label: 'Delete message and resolve' },
  { value: 'mute', label: 'Mute author (everywhere)' },
  { value: 'ban', label: 'Ban author' },
] as const;

/** As the moderation API takes a reason, and the tables store one. */
export const NOTE_MAX_CHARACTERS = REASON_MAX_CHARACTERS;

export type ReportDecision =
  | { kind: 'resolve'; note?: string; deleteMessage: boolean }
  | { kind: 'mute' | 'ban'; reason: string; until?: string };

/**
 * The form's decision with its note (the resolution's note, or the mute's or ban's reason) and
 * end time (an ISO 8601 time, mutes and bans only); or why the form cannot be used. Whether the
 * end is ahead is the services' to check.
 */
export function reportDecision(form: Record<string, unknown>): ReportDecision | string {
  const note = typeof form.note === 'string' ? form.note.trim() : '';
  if (note.length > NOTE_MAX_CHARACTERS) {
    return `The note must be at most ${NOTE_MAX_CHARACTERS} characters`;
  }
  if (note.includes('\0')) return 'The note must not hold NUL';
  const until = parseUntil(form.until);
  if (until === null) return 'Until must be a date and time (ISO 8601, with its zone)';
  switch (form.decision) {
    case 'resolve':
    case 'delete':
      if (until !== undefined) return 'An end time goes only with a mute or a ban';
      return {
        kind: 'resolve',
        note: note || undefined,
        deleteMessage: form.decision === 'delete',
      };
    case 'mute':
    case 'ban':
      if (!note) return `Give the reason for the ${form.decision} as the note`;
      return { kind: form.decision, reason: note, until };
    default:
      return 'Choose what to do with the report';
  }
}

/** An ISO 8601 time with its zone, as the panel's date picker sends it. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** undefined for none, null for something that is not a time. */
function parseUntil(value: unknown): string | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}
