import type { RoomMessage } from '@chat/client';
import { h } from './dom';

/** Messages per history page. */
export const HISTORY_PAGE = 50;

/** Older messages are asked for when the list is scrolled this close to its top. */
const LOAD_OLDER_THRESHOLD_PX = 80;

export interface MessageListContext {
  /** The page of messages before `beforeSeq` (the newest page without it), newest first. */
  fetchPage(beforeSeq?: number): Promise<RoomMessage[]>;
  render(message: RoomMessage): HTMLLIElement;
  report(error: unknown): void;
  /** What the reader can see may have changed: scrolled, loaded, or new messages at the end. */
  viewChanged(): void;
}

/** A message edited: its new text, and whom it mentions now. */
type Edit = Pick<RoomMessage, 'message' | 'edited_at'> & { mentions?: number[] };

/**
 * One room's messages: kept in the room's order (seq) whatever order they arrive in, each shown
 * once. It keeps its messages and its scroll position while another room is on screen. Scrolling
 * to the top loads older pages.
 */
export class MessageList {
  readonly element: HTMLOListElement;
  private readonly shown = new Map<number, { message: RoomMessage; element: HTMLLIElement }>();
  /** Deleted here while a page may have been on its way: such a page must not bring it back. */
  private readonly deleted = new Set<number>();
  /** The newest edit seen per message, for a page read before the edit. */
  private readonly edits = new Map<number, Edit>();
  /** The "new messages" line, before the first message after `dividerAfter`. */
  private readonly divider = h('li', { class: 'divider', role: 'separator' }, 'New messages');
  private dividerAfter?: number;
  private shownLatest = false;
  private loadingOlder = false;
  private reachedStart = false;
  private loaded?: Promise<void>;
  private oldestSeq = Infinity;
  private newestSeq = 0;
  private savedScroll: { top: number; atBottom: boolean } = { top: 0, atBottom: true };
  /** Whether the reader was at the bottom before this frame's new messages; see stickToBottom. */
  private sticking?: boolean;

  constructor(
    label: string,
    private readonly context: MessageListContext,
  ) {
    this.element = h('ol', {
      class: 'messages',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': label,
      tabindex: 0,
      onscroll: () => {
        if (this.element.scrollTop < LOAD_OLDER_THRESHOLD_PX) void this.loadOlder();
        this.context.viewChanged();
      },
    });
  }

  /** Loads the newest page the first time the list is shown; later calls wait for that one. */
  ensureLoaded(): Promise<void> {
    this.loaded ??= this.loadLatest().catch((error) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /** Shows the newest page afresh, for when more was missed than the server replays. */
  async reload(): Promise<void> {
    this.shown.clear();
    this.element.replaceChildren();
    this.oldestSeq = Infinity;
    this.newestSeq = 0;
    this.reachedStart = false;
    this.loaded = undefined;
    this.shownLatest = false;
    await this.ensureLoaded();
  }

  /** Whether the newest messages are in view: loaded, on the page, scrolled to the end. */
  get seesNewest(): boolean {
    return this.shownLatest && this.element.isConnected && this.isAtBottom();
  }

  /** Draws the "new messages" line before the first message after `seq` (none: undefined). */
  setDivider(seq: number | undefined): void {
    this.dividerAfter = seq;
    this.placeDivider();
  }

  /** Adds a message, or replaces the one with its id. */
  show(incoming: RoomMessage): void {
    if (this.deleted.has(incoming.message_id)) return;
    const edit = this.edits.get(incoming.message_id);
    const message = edit
      ? { ...incoming, ...edit, mentions: edit.mentions ?? incoming.mentions, edited: true }
      : incoming;
    const existing = this.shown.get(message.message_id);
    if (!existing) this.stickToBottom();
    const element = this.context.render(message);
    if (existing) existing.element.replaceWith(element);
    else this.element.insertBefore(element, this.firstAfter(message.seq));
    this.shown.set(message.message_id, { message, element });
    this.newestSeq = Math.max(this.newestSeq, message.seq);
    this.oldestSeq = Math.min(this.oldestSeq, message.seq);
    if (this.dividerAfter !== undefined) this.placeDivider();
  }

  /**
   * A reader at the bottom stays there as messages come. Where they are is read once per frame,
   * before the first new message: reading it after every insert would lay the page out again for
   * each one, which a burst of a thousand replayed messages makes slow.
   */
  private stickToBottom(): void {
    if (this.sticking !== undefined) return;
    this.sticking = this.isAtBottom();
    requestAnimationFrame(() => {
      if (this.sticking) this.scrollToBottom();
      this.sticking = undefined;
      this.context.viewChanged();
    });
  }

  edited(messageId: number, edit: Edit): void {
    this.edits.set(messageId, edit);
    const shown = this.shown.get(messageId);
    if (shown) this.show(shown.message);
  }

  removed(messageId: number): void {
    this.deleted.add(messageId);
    this.edits.delete(messageId);
    this.shown.get(messageId)?.element.remove();
    this.shown.delete(messageId);
    if (this.dividerAfter !== undefined) this.placeDivider();
  }

  /** Shows a user's new name, role or avatar on each of their messages. */
  userChanged(
    userId: number,
    changes: Partial<Pick<RoomMessage, 'name' | 'role' | 'user_avatar'>>,
  ) {
    for (const { message } of [...this.shown.values()]) {
      if (message.user_id === userId) this.show({ ...message, ...changes });
    }
  }

  /** Re-renders everything, for when what the viewer may do changed. */
  refresh(): void {
    for (const { message } of [...this.shown.values()]) this.show(message);
  }

  /** Taken off the screen: remember where the reader was. */
  detached(): void {
    this.savedScroll = { top: this.element.scrollTop, atBottom: this.isAtBottom() };
  }

  /** Back on the screen: the reader is where they were (at the bottom if they were there). */
  attached(): void {
    if (this.savedScroll.atBottom) this.scrollToBottom();
    else this.element.scrollTop = this.savedScroll.top;
  }

  /** Shows the newest page, and older ones until the list can scroll; scrolls to the bottom. */
  private async loadLatest(): Promise<void> {
    const page = await this.context.fetchPage();
    for (const message of page) this.show(message);
    this.reachedStart = page.length < HISTORY_PAGE;
    while (this.element.isConnected && this.element.scrollHeight <= this.element.clientHeight) {
      if (!(await this.loadOlder())) break;
    }
    this.scrollToBottom();
    this.shownLatest = true;
    this.context.viewChanged();
  }

  /** Adds the page before the oldest message shown; whether it added any. */
  private async loadOlder(): Promise<boolean> {
    if (this.loadingOlder || this.reachedStart || this.oldestSeq === Infinity) return false;
    this.loadingOlder = true;
    this.element.setAttribute('aria-busy', 'true');
    try {
      const heightBefore = this.element.scrollHeight;
      const page = await this.context.fetchPage(this.oldestSeq);
      for (const message of page) this.show(message);
      this.reachedStart = page.length < HISTORY_PAGE;
      // Keep the messages the reader was looking at in place.
      this.element.scrollTop += this.element.scrollHeight - heightBefore;
      return page.length > 0;
    } catch (error) {
      this.context.report(error);
      return false;
    } finally {
      this.loadingOlder = false;
      this.element.removeAttribute('aria-busy');
    }
  }

  private placeDivider(): void {
    const after = this.dividerAfter;
    const next =
      after === undefined
        ? undefined
        : [...this.element.children].find(
            (element) => Number((element as HTMLElement).dataset.seq) > after,
          );
    if (!next) this.divider.remove();
    else if (this.divider.nextElementSibling !== next)
      this.element.insertBefore(this.divider, next);
  }

  /** The element a message goes before: none for the newest, the first for the oldest. */
  private firstAfter(seq: number): Element | null {
    if (seq > this.newestSeq) return null;
    if (seq < this.oldestSeq) return this.element.firstElementChild;
    for (const element of this.element.children) {
      if (Number((element as HTMLElement).dataset.seq) > seq) return element;
    }
    return null;
  }

  private isAtBottom(): boolean {
    const list = this.element;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  }

  private scrollToBottom(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }
}
