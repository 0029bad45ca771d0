import type { RoomSummary } from '@chat/client';
import { h } from './dom';
import type { MessageList } from './message-list';
import { GENERAL_ROOM_ID, RoomEntry, RoomsStore } from './rooms-store';

export interface RoomPaneContext {
  store: RoomsStore;
  /** Owner rights here: rename, topic, archive, remove members. */
  canManage(entry: RoomEntry): boolean;
  showMembers(roomId: number): void;
  showSettings(room: RoomSummary): void;
  leave(entry: RoomEntry): void;
  join(room: RoomSummary): Promise<void>;
  /** How many members are online or away (undefined: not known, or a direct room). */
  online(entry: RoomEntry): number | undefined;
  report(error: unknown): void;
}

/**
 * The room on screen: its header (name, topic, online count, members, Leave, settings for
 * owners), its messages, who is typing, what is being sent, notices, and the composer (a note
 * instead where the room is read-only).
 */
export class RoomPane {
  readonly element: HTMLElement;
  private readonly header = h('div', { class: 'room-header' });
  private readonly body = h('div', { class: 'room-body' });
  private readonly readOnly = h(
    'p',
    { class: 'read-only', hidden: true },
    'This room is archived: it is read-only.',
  );
  private shown?: { roomId: number; list?: MessageList };
  private readonly composer: HTMLFormElement;

  constructor(
    private readonly context: RoomPaneContext,
    parts: {
      typing: HTMLElement;
      pending: HTMLElement;
      notice: HTMLElement;
      composer: HTMLFormElement;
    },
  ) {
    this.composer = parts.composer;
    this.element = h(
      'section',
      { class: 'room-pane', 'aria-labelledby': 'room-title' },
      this.header,
      this.body,
      parts.typing,
      parts.pending,
      this.readOnly,
      parts.notice,
      parts.composer,
    );
    context.store.subscribe(() => this.renderHeader());
  }

  get roomId(): number {
    return this.shown?.roomId ?? GENERAL_ROOM_ID;
  }

  /** The list on screen, unless a room is previewed. */
  get list(): MessageList | undefined {
    return this.shown?.list;
  }

  /** Shows one of the viewer's rooms, where its reader left it. */
  show(roomId: number, list: MessageList): void {
    this.shown?.list?.detached();
    this.shown = { roomId, list };
    this.body.replaceChildren(list.element, list.jumpBar);
    list.attached();
    this.renderHeader();
  }

  /** A public room the viewer is not in: what it is, and Join. */
  preview(room: RoomSummary): void {
    this.shown?.list?.detached();
    this.shown = { roomId: room.id };
    this.header.replaceChildren(this.title(room.name ?? ''), this.topic(room.topic));
    this.body.replaceChildren(
      h(
        'div',
        { class: 'join-prompt' },
        h('p', {}, `You are not in ${room.name}.`),
        h(
          'button',
          {
            type: 'button',
            onclick: () => void this.context.join(room).catch(this.context.report),
          },
          `Join ${room.name}`,
        ),
      ),
    );
    this.composer.hidden = true;
    this.readOnly.hidden = true;
  }

  renderHeader(): void {
    if (!this.shown?.list) return;
    const entry = this.context.store.get(this.shown.roomId);
    if (!entry) return;
    const { room } = entry;
    const buttons = h('div', { class: 'row room-actions' });
    buttons.append(
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => this.context.showMembers(room.id) },
        `Members (${room.member_count})`,
      ),
    );
    if (this.context.canManage(entry) && room.kind !== 'direct' && !room.archived) {
      buttons.append(
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => this.context.showSettings(room) },
          'Room settings',
        ),
      );
    }
    if (room.id !== GENERAL_ROOM_ID && room.kind !== 'direct') {
      buttons.append(
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => this.context.leave(entry) },
          'Leave room',
        ),
      );
    }
    const online = this.context.online(entry);
    this.header.replaceChildren(
      this.title(
        this.context.store.title(entry),
        room.kind === 'direct' ? 'Direct message with ' : '',
      ),
      this.topic(room.topic),
      online === undefined ? '' : h('p', { class: 'online-count' }, `${online} online`),
      room.archived ? h('p', { class: 'tag' }, 'Archived') : '',
      buttons,
    );
    this.composer.hidden = room.archived;
    this.readOnly.hidden = !room.archived;
  }

  private title(name: string, prefix = ''): HTMLElement {
    return h('h2', { id: 'room-title' }, prefix, name);
  }

  private topic(topic: string): HTMLElement | string {
    return topic ? h('p', { class: 'topic' }, topic) : '';
  }
}
