import type { RoomMessage } from '@chat/client';
import { h } from './dom';

/** Messages per history page. */
export const HISTORY_PAGE = 50;

/** Older (newer) messages are asked for when the list is scrolled this close to its top (end). */
const LOAD_MORE_THRESHOLD_PX = 80;

/** Which page: before `beforeSeq`, after `afterSeq`, or the newest without either. */
export interface PageQuery {
  beforeSeq?: number;
  afterSeq?: number;
}

export interface MessageListContext {
  /**
   * A page of HISTORY_PAGE messages at most: before `beforeSeq` (the newest without it) newest
   * first, or after `afterSeq` oldest first.
   */
  fetchPage(query: PageQuery): Promise<RoomMessage[]>;
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
 *
 * The list always holds one unbroken stretch of the room's history. Usually it runs to the newest
 * message and live messages join it. After a jump to an older message (jumpTo) it is away from
 * the newest: it holds the pages around that message, scrolling to the end loads the pages after
 * it, and live messages past its end are left to those pages, until a page comes short (the
 * newest reached) and the list is live again. "Jump to newest" (`jumpBar`) shows the newest page
 * at once.
 */
export class MessageList {
  readonly element: HTMLOListElement;
  /** Shown while the list is away from the newest messages. */
  readonly jumpBar: HTMLElement;
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
  private loadingNewer = false;
  private reachedStart = false;
  /** Whether the stretch held may end before the newest message (see the class comment). */
  private away = false;
  /**
   * Live messages past a stretch away from the newest that came while the page after it was on
   * its way: that page may have been read before they were stored. A page asked for later has
   * every one that came before it was asked for, so none is held between pages.
   */
  private heldLive?: Map<number, RoomMessage>;
  /** Counts the times the list was emptied; a page asked for before the last one is dropped. */
  private generation = 0;
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
        if (this.element.scrollTop < LOAD_MORE_THRESHOLD_PX) void this.loadOlder();
        if (this.away && this.distanceToEnd() < LOAD_MORE_THRESHOLD_PX) void this.loadNewer();
        this.context.viewChanged();
      },
    });
    this.jumpBar = h(
      'div',
      { class: 'jump-bar', hidden: true },
      h('span', {}, 'You are viewing older messages.'),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => void this.reload().catch((error) => this.context.report(error)),
        },
        'Jump to newest',
      ),
    );
  }

  /** Whether the list holds a stretch ending before the newest message, after a jump. */
  get awayFromNewest(): boolean {
    return this.away;
  }

  /**
   * Shows the room's history around message `seq` and scrolls it into view, marked (class
   * `found`). A message in the stretch held is scrolled to; otherwise the list is emptied for the
   * page before it and the page after it, away from the newest unless that one reaches it.
   */
  jumpTo(seq: number): Promise<void> {
    if (seq >= this.oldestSeq && seq <= this.newestSeq) {
      this.reveal(seq);
      return Promise.resolve();
    }
    const generation = this.empty(true);
    const around = this.loadAround(seq, generation).catch((error: unknown) => {
      if (generation !== this.generation) return;
      this.context.report(error);
      return this.reload();
    });
    this.loaded = around;
    return around;
  }

  /** Loads the newest page the first time the list is shown; later calls wait for that one. */
  ensureLoaded(): Promise<void> {
    if (!this.loaded) {
      const loading: Promise<void> = this.loadLatest().catch((error: unknown) => {
        // Failed after the list was emptied for another load: that one stands.
        if (this.loaded !== loading) return;
        this.loaded = undefined;
        throw error;
      });
      this.loaded = loading;
    }
    return this.loaded;
  }

  /**
   * Shows the newest page afresh: for when more was missed than the server replays, and to leave
   * a stretch away from the newest.
   */
  async reload(): Promise<void> {
    this.empty(false);
    this.loaded = undefined;
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

  /**
   * Adds a message (a live one, or one just sent), or replaces the one with its id. Away from the
   * newest the list takes only a message within its stretch; see heldLive for those past it.
   */
  show(message: RoomMessage): void {
    if (this.away && !this.shown.has(message.message_id)) {
      if (message.seq > this.newestSeq) this.heldLive?.set(message.seq, message);
      if (message.seq < this.oldestSeq || message.seq > this.newestSeq) return;
    }
    if (!this.shown.has(message.message_id) && !this.away) this.stickToBottom();
    this.place(message);
  }

  /** Puts a message in its place, or in the place of the one with its id. */
  private place(incoming: RoomMessage): void {
    if (this.deleted.has(incoming.message_id)) return;
    const edit = this.edits.get(incoming.message_id);
    const message = edit
      ? { ...incoming, ...edit, mentions: edit.mentions ?? incoming.mentions, edited: true }
      : incoming;
    const existing = this.shown.get(message.message_id);
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
      if (this.sticking && !this.away) this.scrollToBottom();
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
    const generation = this.generation;
    const page = await this.context.fetchPage({});
    if (generation !== this.generation) return;
    for (const message of page) this.place(message);
    this.reachedStart = page.length < HISTORY_PAGE;
    while (this.element.isConnected && this.element.scrollHeight <= this.element.clientHeight) {
      if (!(await this.loadOlder())) break;
    }
    if (generation !== this.generation) return;
    this.scrollToBottom();
    this.shownLatest = true;
    this.context.viewChanged();
  }

  /** The page before message `seq` (with it) and the page after it; see jumpTo. */
  private async loadAround(seq: number, generation: number): Promise<void> {
    this.heldLive = new Map();
    const [older, newer] = await Promise.all([
      this.context.fetchPage({ beforeSeq: seq + 1 }),
      this.context.fetchPage({ afterSeq: seq }),
    ]);
    if (generation !== this.generation) return;
    for (const message of [...older, ...newer]) this.place(message);
    this.reachedStart = older.length < HISTORY_PAGE;
    this.reveal(seq);
    this.followedBy(newer);
    this.context.viewChanged();
  }

  /** Adds the page before the oldest message shown; whether it added any. */
  private async loadOlder(): Promise<boolean> {
    if (this.loadingOlder || this.reachedStart || this.oldestSeq === Infinity) return false;
    const generation = this.generation;
    this.loadingOlder = true;
    this.element.setAttribute('aria-busy', 'true');
    try {
      const heightBefore = this.element.scrollHeight;
      const page = await this.context.fetchPage({ beforeSeq: this.oldestSeq });
      if (generation !== this.generation) return false;
      for (const message of page) this.place(message);
      this.reachedStart = page.length < HISTORY_PAGE;
      // Keep the messages the reader was looking at in place.
      this.element.scrollTop += this.element.scrollHeight - heightBefore;
      return page.length > 0;
    } catch (error) {
      if (generation === this.generation) this.context.report(error);
      return false;
    } finally {
      if (generation === this.generation) {
        this.loadingOlder = false;
        this.element.removeAttribute('aria-busy');
      }
    }
  }

  /** Adds the page after the newest message of a stretch away from the newest. */
  private async loadNewer(): Promise<void> {
    if (this.loadingNewer || !this.away || this.newestSeq === 0) return;
    const generation = this.generation;
    this.loadingNewer = true;
    this.heldLive = new Map();
    try {
      const page = await this.context.fetchPage({ afterSeq: this.newestSeq });
      if (generation !== this.generation) return;
      for (const message of page) this.place(message);
      this.followedBy(page);
      this.context.viewChanged();
    } catch (error) {
      if (generation !== this.generation) return;
      this.heldLive = undefined;
      this.context.report(error);
    } finally {
      if (generation === this.generation) this.loadingNewer = false;
    }
  }

  /**
   * After a page of what follows a stretch away from the newest: a full one leaves more to load,
   * and the live messages held meanwhile to the pages after it; a short one reached the newest
   * message, so the list is live again, with the messages that came since it was asked for.
   */
  private followedBy(page: RoomMessage[]): void {
    const held = this.heldLive;
    this.heldLive = undefined;
    if (page.length >= HISTORY_PAGE) return;
    this.away = false;
    this.jumpBar.hidden = true;
    for (const message of [...(held?.values() ?? [])].sort((a, b) => a.seq - b.seq)) {
      this.place(message);
    }
    this.shownLatest = true;
  }

  /** Empties the list, away from the newest or not; answers the new generation. */
  private empty(away: boolean): number {
    this.shown.clear();
    this.element.replaceChildren();
    this.oldestSeq = Infinity;
    this.newestSeq = 0;
    this.reachedStart = false;
    this.shownLatest = false;
    this.loadingOlder = false;
    this.loadingNewer = false;
    this.heldLive = undefined;
    this.away = away;
    this.jumpBar.hidden = !away;
    this.element.removeAttribute('aria-busy');
    return ++this.generation;
  }

  /** Scrolls message `seq` into the middle of the view and marks it for a moment. */
  private reveal(seq: number): void {
    // A reader at the bottom before is not taken there now.
    if (this.sticking !== undefined) this.sticking = false;
    this.element.querySelector('.found')?.classList.remove('found');
    const item = this.element.querySelector(`li.message[data-seq="${seq}"]`);
    if (!item) return;
    item.classList.add('found');
    item.scrollIntoView({ block: 'center' });
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
    return this.distanceToEnd() < 40;
  }

  private distanceToEnd(): number {
    const list = this.element;
    return list.scrollHeight - list.scrollTop - list.clientHeight;
  }

  private scrollToBottom(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }
}
