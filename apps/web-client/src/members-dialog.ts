import type { RoomMember, UserEntry } from '@chat/client';
import { dialogStatus } from './dialog-status';
import { h } from './dom';
import { RoomEntry, RoomsStore } from './rooms-store';
import { UserAction, userName } from './user-menu';

export interface MembersContext {
  store: RoomsStore;
  myId(): number;
  canAdd(entry: RoomEntry): boolean;
  canRemove(entry: RoomEntry): boolean;
  users(): Promise<UserEntry[]>;
  add(roomId: number, userId: number): Promise<void>;
  remove(roomId: number, userId: number): Promise<void>;
  /** A direct conversation with this user. */
  message(userId: number): Promise<void>;
  /** What else the viewer may do to a member of the room (moderation). */
  actions(roomId: number, member: RoomMember): UserAction[];
  /** A user's presence dot. */
  dot(userId: number): HTMLElement;
}

/**
 * A room's members with their presence, kept live; owners add people by name and remove them;
 * each name offers a direct conversation and what the viewer may do as a moderator.
 */
export function membersDialog(context: MembersContext): {
  dialog: HTMLDialogElement;
  open(roomId: number): void;
} {
  const status = dialogStatus();
  const title = h('h2', { id: 'members-title' });
  const list = h('ul', { class: 'members', 'aria-label': 'Members' });
  const who = h('input', { id: 'add-member-name', list: 'add-member-names', required: true });
  const names = h('datalist', { id: 'add-member-names' });
  let roomId = 0;
  let directory: UserEntry[] = [];

  const addForm = h(
    'form',
    {
      class: 'add-member',
      onsubmit: (event) => {
        event.preventDefault();
        const wanted = who.value.trim().toLowerCase();
        void status.attempt(async () => {
          directory = await context.users();
          const user = directory.find((entry) => entry.name.toLowerCase() === wanted);
          if (!user) throw new Error(`No user is called "${who.value.trim()}"`);
          await context.add(roomId, user.id);
          who.value = '';
        }, 'Member added');
      },
    },
    h('label', { for: 'add-member-name' }, 'Add a member by name'),
    h('div', { class: 'row' }, who, names, h('button', { type: 'submit' }, 'Add member')),
  );

  const actionsOn = (member: RoomMember): UserAction[] => [
    {
      label: 'Message',
      run: () => context.message(member.user_id).then(() => dialog.close()),
    },
    ...context.actions(roomId, member),
  ];

  const item = (entry: RoomEntry, member: RoomMember) => {
    const me = member.user_id === context.myId();
    return h(
      'li',
      { 'data-user-id': member.user_id },
      context.dot(member.user_id),
      userName(member.name, 'member-name', me ? [] : actionsOn(member)),
      member.room_role === 'owner' ? h('span', { class: 'tag' }, ' (owner)') : null,
      me ? h('span', { class: 'tag' }, ' (you)') : null,
      !me && context.canRemove(entry)
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                void status.attempt(() => context.remove(roomId, member.user_id), 'Member removed'),
            },
            `Remove ${member.name}`,
          )
        : null,
    );
  };

  const render = () => {
    const entry = context.store.get(roomId);
    if (!entry || !dialog.open) return;
    title.textContent = `Members of ${context.store.title(entry)}`;
    list.replaceChildren(...(entry.members ?? []).map((member) => item(entry, member)));
    addForm.hidden = !context.canAdd(entry);
  };
  context.store.subscribe(render);

  const dialog = h(
    'dialog',
    { class: 'card form-dialog', 'aria-labelledby': 'members-title' },
    title,
    list,
    addForm,
    status.element,
    h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Done'),
  );
  const open = (id: number) => {
    roomId = id;
    status.report('');
    list.replaceChildren();
    dialog.showModal();
    render();
    void status.attempt(() => context.store.members(id, true));
    void context
      .users()
      .then((users) => {
        directory = users;
        names.replaceChildren(...users.map((user) => h('option', { value: user.name })));
      })
      .catch(() => undefined);
  };
  return { dialog, open };
}
