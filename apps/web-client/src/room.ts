import { api, ChatMessage, Profile } from './api';
import { h } from './dom';

const MODERATOR = 2;
/** Older messages are asked for when the list is scrolled this close to its top. */
const LOAD_OLDER_THRESHOLD_PX = 80;

interface Shown {
  message: ChatMessage;
  element: HTMLLIElement;
}

export interface RoomContext {
  me: () => Profile;
  token: string;
  report(error: unknown): void;
}

/**
 * The message list: kept in message_id order whatever order messages arrive in, each shown once.
 * Own messages sit on the right; others show avatar, name and time. Scrolling to the top loads
 * older pages.
 */
export class Room {
  readonly element: HTMLOListElement;
  private readonly shown = new Map<number, Shown>();
  private loadingOlder = false;
  private reachedStart = false;
  /** The newest and oldest message ids this page has held (what resume and "older" start from). */
  private newest = 0;
  private oldest = Infinity;

  constructor(private readonly context: RoomContext) {
    this.element = h('ol', {
      class: 'messages',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': 'Messages',
      tabindex: 0,
      onscroll: () => {
        if (this.element.scrollTop < LOAD_OLDER_THRESHOLD_PX) void this.loadOlder();
      },
    });
  }

  get newestId(): number {
    return this.newest;
  }

  /** Shows the newest page, and older ones until the list can scroll; scrolls to the bottom. */
  async loadLatest(): Promise<void> {
    const page = await api.lastMessages();
    for (const message of page) this.show(message);
    this.reachedStart = page.length === 0;
    while (this.element.scrollHeight <= this.element.clientHeight && (await this.loadOlder()));
    this.scrollToBottom();
  }

  /** Shows the newest page afresh, for when more was missed than the server replays. */
  async reload(): Promise<void> {
    this.shown.clear();
    this.element.replaceChildren();
    this.newest = 0;
    this.oldest = Infinity;
    await this.loadLatest();
  }

  /** Adds a message, or replaces the one with its id. */
  show(message: ChatMessage): void {
    const atBottom = this.isAtBottom();
    const existing = this.shown.get(message.message_id);
    const element = this.render(message);
    if (existing) existing.element.replaceWith(element);
    else this.element.insertBefore(element, this.firstAfter(message.message_id));
    this.shown.set(message.message_id, { message, element });
    this.newest = Math.max(this.newest, message.message_id);
    this.oldest = Math.min(this.oldest, message.message_id);
    if (atBottom && !existing) this.scrollToBottom();
  }

  edited(messageId: number, text: string): void {
    const shown = this.shown.get(messageId);
    if (shown) this.show({ ...shown.message, message: text, edited: true });
  }

  removed(messageId: number): void {
    this.shown.get(messageId)?.element.remove();
    this.shown.delete(messageId);
  }

  /** Shows a user's new name, role or avatar on each of their messages. */
  userChanged(
    userId: number,
    changes: Partial<Pick<ChatMessage, 'name' | 'role' | 'user_avatar'>>,
  ) {
    for (const { message } of [...this.shown.values()]) {
      if (message.user_id === userId) this.show({ ...message, ...changes });
    }
  }

  /** Re-renders everything, for when the viewer's own profile changed. */
  refresh(): void {
    for (const { message } of [...this.shown.values()]) this.show(message);
  }

  /** Adds the page before the oldest message shown; whether it added any. */
  private async loadOlder(): Promise<boolean> {
    if (this.loadingOlder || this.reachedStart || this.oldest === Infinity) return false;
    this.loadingOlder = true;
    this.element.setAttribute('aria-busy', 'true');
    try {
      const heightBefore = this.element.scrollHeight;
      const page = await api.older(this.oldest);
      for (const message of page) this.show(message);
      this.reachedStart = page.length === 0;
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

  /** The element a new message goes before: none for the newest, the first for the oldest. */
  private firstAfter(messageId: number): Element | null {
    if (messageId > this.newest) return null;
    if (messageId < this.oldest) return this.element.firstElementChild;
    for (const element of this.element.children) {
      if (Number((element as HTMLElement).dataset.id) > messageId) return element;
    }
    return null;
  }

  private render(message: ChatMessage): HTMLLIElement {
    const me = this.context.me();
    const own = message.user_id === me.user_id;
    const text = h('p', { class: 'text' }, message.message);
    const actions = h('div', { class: 'actions' });
    if (own)
      actions.append(
        h('button', { type: 'button', onclick: () => this.startEdit(message, text) }, 'Edit'),
      );
    if (me.role >= MODERATOR) {
      actions.append(
        h(
          'button',
          { type: 'button', class: 'danger', onclick: () => void this.remove(message) },
          'Delete',
        ),
      );
    }
    return h(
      'li',
      { class: own ? 'message own' : 'message', 'data-id': message.message_id },
      own
        ? null
        : h('img', { class: 'avatar', src: message.user_avatar, alt: '', width: 36, height: 36 }),
      h(
        'div',
        { class: 'bubble' },
        own ? null : h('span', { class: 'author' }, message.name),
        text,
        h(
          'span',
          { class: 'meta' },
          h('time', { datetime: message.created_at }, message.time_send),
          message.edited ? ' · edited' : null,
        ),
        actions,
      ),
    );
  }

  private startEdit(message: ChatMessage, text: HTMLParagraphElement): void {
    const input = h('input', {
      class: 'edit',
      'aria-label': 'Edit message',
      maxlength: 1000,
      value: message.message,
    });
    const form = h(
      'form',
      {
        class: 'edit-form',
        onsubmit: (event) => {
          event.preventDefault();
          void this.saveEdit(message, input.value, form);
        },
      },
      input,
      h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', onclick: () => form.replaceWith(text) }, 'Cancel'),
    );
    text.replaceWith(form);
    input.focus();
  }

  private async saveEdit(
    message: ChatMessage,
    value: string,
    form: HTMLFormElement,
  ): Promise<void> {
    try {
      await api.edit(this.context.token, message.message_id, value);
      // The `update` event re-renders it for everyone, this page included.
    } catch (error) {
      this.context.report(error);
      form.querySelector('input')?.focus();
    }
  }

  private async remove(message: ChatMessage): Promise<void> {
    try {
      await api.remove(this.context.token, message.message_id);
    } catch (error) {
      this.context.report(error);
    }
  }

  private isAtBottom(): boolean {
    const list = this.element;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  }

  private scrollToBottom(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }
}
