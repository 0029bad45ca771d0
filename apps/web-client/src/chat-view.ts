import { api, ApiError, Profile } from './api';
import { ChatSocket, ConnectionState, SocketError } from './chat-socket';
import { Composer } from './composer';
import { directoryDialog } from './directory-dialog';
import { h } from './dom';
import { membersDialog } from './members-dialog';
import { MessageList } from './message-list';
import { renderMessage } from './message-item';
import { newRoomDialog } from './new-room-dialog';
import { Outbox, Outgoing } from './outbox';
import { profileDialog } from './profile-dialog';
import type { AckFrame, RoomMessage, RoomView } from './protocol';
import { applyEvent } from './room-events';
import { roomList } from './room-list';
import { RoomPane } from './room-pane';
import { RoomSequence } from './room-sequence';
import { roomSettingsDialog } from './room-settings-dialog';
import { roomInAddress, showRoomInAddress } from './router';
import { roomsApi } from './rooms-api';
import { GENERAL_ROOM_ID, RoomEntry, RoomsStore } from './rooms-store';
import { userName } from './user-menu';

const MODERATOR = 2;
const ADMIN = 3;
const STATE_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Disconnected',
};
/** How long a message refused for now (rate limit, database away) waits before it is sent again. */
const RETRY_SEND_MS = 2_000;

/**
 * The signed-in screen: the room list, the room on screen, and the socket that keeps them live.
 * `signedOut` is called once the session is over (logout, deletion, a revoked or expired token).
 */
export async function showChat(
  app: HTMLElement,
  token: string,
  me: Profile,
  signedOut: () => void,
): Promise<void> {
  const notice = h('p', { class: 'notice', role: 'alert' });
  const report = (error: unknown) => (notice.textContent = (error as Error).message);

  const store = new RoomsStore({
    myId: () => me.user_id,
    fetchMembers: (roomId) => roomsApi.members(token, roomId),
  });
  const sequence = new RoomSequence();
  const lists = new Map<number, MessageList>();
  const outbox = new Outbox();

  /** Site moderators and admins act as owners in public rooms; in others only the owner does. */
  const actsAsOwner = (entry: RoomEntry) =>
    entry.roomRole === 'owner' || (me.role >= MODERATOR && entry.room.kind === 'public');
  const canManage = (entry: RoomEntry) =>
    entry.room.id === GENERAL_ROOM_ID ? me.role >= ADMIN : actsAsOwner(entry);

  const listFor = (roomId: number): MessageList => {
    let list = lists.get(roomId);
    if (list) return list;
    const entry = () => store.get(roomId);
    const created = new MessageList('Messages', {
      fetchPage: (beforeSeq) => roomsApi.messages(token, roomId, beforeSeq),
      report,
      render: (message) =>
        renderMessage(message, {
          myId: () => me.user_id,
          canEdit: (m) => m.user_id === me.user_id && !entry()?.room.archived,
          canDelete: (m) => {
            const room = entry();
            return !!room && !room.room.archived && (m.user_id === me.user_id || actsAsOwner(room));
          },
          author: (m) =>
            userName(
              m.name,
              'author',
              m.user_id === me.user_id ? undefined : () => openDirect(m.user_id),
            ),
          edit: (m, text) => editMessage(m, text),
          remove: (m) => deleteMessage(m),
          report,
        }),
    });
    list = created;
    lists.set(roomId, list);
    return list;
  };

  // Rooms on screen, by the address: a room of ours, a public room to join, or "not found".
  async function openRoom(roomId: number): Promise<void> {
    notice.textContent = '';
    if (store.has(roomId)) return showRoom(roomId);
    try {
      const room = await roomsApi.get(token, roomId);
      if (store.has(roomId)) return showRoom(roomId);
      pane.preview(room);
      showRoomInAddress(roomId);
      rooms.render();
    } catch (error) {
      showRoom(GENERAL_ROOM_ID);
      notice.textContent =
        error instanceof ApiError && error.status === 404
          ? 'Room not found'
          : (error as Error).message;
    }
  }

  function showRoom(roomId: number): void {
    const list = listFor(roomId);
    pane.show(roomId, list);
    store.clearUnread(roomId);
    outbox.show(roomId);
    showRoomInAddress(roomId);
    rooms.render();
    list.ensureLoaded().catch(report);
    if (store.get(roomId)?.room.kind === 'direct')
      void store.members(roomId).catch(() => undefined);
  }

  /** A room we just joined, created or were added to: follow it from the number it had then. */
  function adopt(room: RoomView): void {
    if (!sequence.has(room.id)) sequence.follow(room.id, room.last_seq);
    store.put(room, { roomRole: room.room_role, peer: room.peer });
  }

  function roomGone(roomId: number, reason: string): void {
    const entry = store.get(roomId);
    const title = entry ? store.title(entry) : 'the room';
    store.remove(roomId);
    sequence.forget(roomId);
    lists.delete(roomId);
    if (pane.roomId === roomId) {
      showRoom(GENERAL_ROOM_ID);
      notice.textContent =
        reason === 'removed' ? `You were removed from ${title}` : `You are no longer in ${title}`;
    }
  }

  async function openDirect(userId: number): Promise<void> {
    try {
      const room = await roomsApi.openDirect(token, userId);
      adopt(room);
      showRoom(room.id);
    } catch (error) {
      report(error);
    }
  }

  // Messages: sent and changed over the socket when it is up; edits and deletes over HTTP otherwise.
  function trySend(item: Outgoing): void {
    socket
      .request<AckFrame & { message: RoomMessage }>({
        type: 'message.send',
        room_id: item.roomId,
        text: item.text,
        client_id: item.clientId,
      })
      .then((ack) => {
        outbox.settle(item.clientId);
        lists.get(item.roomId)?.show(ack.message);
      })
      .catch((error: SocketError) => {
        if (error.code === 'not_connected') return; // sent again once reconnected
        report(error);
        if (error.code === 'rate_limited' || error.code === 'unavailable') {
          setTimeout(() => socket.isOpen && trySend(item), RETRY_SEND_MS);
        } else outbox.settle(item.clientId);
      });
  }

  async function editMessage(message: RoomMessage, text: string): Promise<void> {
    if (socket.isOpen) {
      await socket.request({ type: 'message.edit', message_id: message.message_id, text });
    } else await roomsApi.editMessage(token, message.message_id, text);
  }

  async function deleteMessage(message: RoomMessage): Promise<void> {
    if (socket.isOpen) {
      await socket.request({ type: 'message.delete', message_id: message.message_id });
    } else await roomsApi.deleteMessage(token, message.message_id);
  }

  /** After a reconnect: rooms we were added to meanwhile join the list. */
  async function reconcile(roomIds: number[]): Promise<void> {
    const missing = roomIds.filter((id) => !store.has(id));
    if (missing.length === 0) return;
    for (const mine of await roomsApi.mine(token)) {
      if (missing.includes(mine.id)) adopt(mine);
    }
  }

  const state = h('span', { class: 'connection', role: 'status' });
  const socket = new ChatSocket(token, () => sequence.resumePoints(), {
    state: (connection) => {
      state.textContent = STATE_LABELS[connection];
      state.dataset.state = connection;
    },
    authenticated: (ack) => {
      for (const { room_id, last_seq } of ack.rooms) {
        if (!sequence.has(room_id)) sequence.follow(room_id, last_seq);
      }
      reconcile(ack.rooms.map((room) => room.room_id)).catch(report);
      for (const item of outbox.all()) trySend(item);
    },
    event: (frame) =>
      applyEvent(frame, {
        store,
        sequence,
        myId: () => me.user_id,
        current: () => pane.roomId,
        list: (roomId) => lists.get(roomId),
        delivered: (clientId) => outbox.settle(clientId),
        roomGone,
        roomChanged: (roomId) => lists.get(roomId)?.refresh(),
        userChanged: ({ user_id, name, role, user_avatar }) => {
          // A new avatar alone comes without name and role: only what came changes.
          const changes = {
            user_avatar,
            ...(name === undefined ? {} : { name }),
            ...(role === undefined ? {} : { role }),
          };
          const roleChanged = user_id === me.user_id && role !== undefined && role !== me.role;
          if (user_id === me.user_id) {
            me = { ...me, ...changes };
            showProfile();
          }
          store.userChanged(user_id, changes);
          for (const list of lists.values()) {
            list.userChanged(user_id, changes);
            // The viewer's own role decides which buttons every message shows.
            if (roleChanged) list.refresh();
          }
        },
        report,
      }),
    roomNotFound: (roomId) => roomGone(roomId, 'removed'),
    sessionEnded: () => signOut(false),
  });

  /** Back to the sign-in form at once; the server hears of a logout in the background. */
  function signOut(tellServer: boolean): void {
    socket.stop();
    window.removeEventListener('hashchange', followAddress);
    if (tellServer) void api.logout(token).catch(() => undefined);
    signedOut();
  }

  const avatar = h('img', { class: 'avatar', alt: '', width: 32, height: 32 });
  const name = h('span', { class: 'me' });
  const showProfile = () => {
    avatar.src = me.user_avatar;
    name.textContent = me.name;
  };
  showProfile();
  const profile = profileDialog({
    token,
    me: () => me,
    changed: async () => {
      me = await api.me(token);
      showProfile();
      for (const list of lists.values()) list.refresh();
    },
    deleted: () => signOut(false),
  });

  const composer = new Composer((text) => {
    notice.textContent = '';
    trySend(outbox.add(pane.roomId, text));
  });
  const pane: RoomPane = new RoomPane(
    {
      store,
      canManage,
      showMembers: (roomId) => members.open(roomId),
      showSettings: (room) => settings.open(room),
      leave: (entry) => {
        if (!confirm(`Leave ${store.title(entry)}?`)) return;
        roomsApi
          .leave(token, entry.room.id)
          .then(() => roomGone(entry.room.id, 'left'))
          .catch(report);
      },
      join: async (room) => {
        adopt(await roomsApi.join(token, room.id));
        showRoom(room.id);
      },
      report,
    },
    { pending: outbox.element, notice, composer: composer.element },
  );
  const rooms = roomList({
    store,
    current: () => pane.roomId,
    newRoom: () => newRoom.open(),
    findRooms: () => directory.open(),
  });
  store.subscribe(rooms.render);

  const newRoom = newRoomDialog(async (fields) => {
    const room = await roomsApi.create(token, fields);
    adopt(room);
    showRoom(room.id);
  });
  const directory = directoryDialog({
    search: (q, cursor) => roomsApi.directory(token, q, cursor),
    isMember: (roomId) => store.has(roomId),
    join: async (room) => {
      adopt(await roomsApi.join(token, room.id));
      showRoom(room.id);
    },
    open: (roomId) => void openRoom(roomId),
  });
  const members = membersDialog({
    store,
    myId: () => me.user_id,
    canAdd: (entry) =>
      !entry.room.archived &&
      entry.room.kind !== 'direct' &&
      entry.room.id !== GENERAL_ROOM_ID &&
      (entry.room.kind === 'public' || entry.roomRole === 'owner'),
    canRemove: (entry) =>
      !entry.room.archived &&
      entry.room.id !== GENERAL_ROOM_ID &&
      entry.room.kind !== 'direct' &&
      actsAsOwner(entry),
    users: () => api.users(),
    add: async (roomId, userId) => {
      await roomsApi.addMember(token, roomId, userId);
    },
    remove: async (roomId, userId) => {
      await roomsApi.removeMember(token, roomId, userId);
    },
    message: (userId) => openDirect(userId),
  });
  const settings = roomSettingsDialog({
    update: async (roomId, fields) =>
      store.updateRoom(await roomsApi.update(token, roomId, fields)),
    archive: async (roomId) => store.updateRoom(await roomsApi.archive(token, roomId)),
  });

  const followAddress = () => void openRoom(roomInAddress() ?? GENERAL_ROOM_ID);
  window.addEventListener('hashchange', followAddress);

  app.replaceChildren(
    h(
      'header',
      { class: 'top' },
      avatar,
      name,
      state,
      h('button', { type: 'button', class: 'secondary', onclick: profile.open }, 'Profile'),
      h('button', { type: 'button', class: 'secondary', onclick: () => signOut(true) }, 'Log out'),
    ),
    h('div', { class: 'layout' }, rooms.element, pane.element),
    profile.dialog,
    newRoom.dialog,
    directory.dialog,
    members.dialog,
    settings.dialog,
  );
  app.removeAttribute('aria-busy');
  try {
    for (const mine of await roomsApi.mine(token)) adopt(mine);
  } catch (error) {
    report(error);
  }
  await openRoom(roomInAddress() ?? GENERAL_ROOM_ID);
  socket.start();
  composer.focus();
}
