import {
  ChatApiError,
  ChatClient,
  ChatSocketError,
  ConnectionState,
  Profile,
  RoomMember,
  RoomMessage,
  RoomView,
} from '@chat/client';
import { trackActivity } from './activity';
import { Composer } from './composer';
import { directoryDialog } from './directory-dialog';
import { h } from './dom';
import { membersDialog } from './members-dialog';
import { ADMIN, MODERATOR } from './moderation-rules';
import { moderationUi } from './moderation-ui';
import { HISTORY_PAGE, MessageList } from './message-list';
import { renderMessage } from './message-item';
import { newRoomDialog } from './new-room-dialog';
import { PendingList } from './pending-list';
import { PresenceDots } from './presence-dots';
import { profileDialog } from './profile-dialog';
import { ReadTracker } from './read-tracker';
import { showRoomEvents } from './room-events';
import { roomList } from './room-list';
import { RoomPane } from './room-pane';
import { roomSettingsDialog } from './room-settings-dialog';
import { roomInAddress, showRoomInAddress } from './router';
import { GENERAL_ROOM_ID, RoomEntry, RoomsStore } from './rooms-store';
import { searchBox } from './search-box';
import { typingText } from './typing-line';
import { UserAction, userName } from './user-menu';

/**
 * Rooms above this many members get an online count from the server instead of each member's
 * presence (the server's PRESENCE_ROOM_LIMIT by default; a presence.count frame says so anyway).
 */
const LARGE_ROOM = 100;
const STATE_LABELS: Record<ConnectionState, string> = {
  idle: 'Connecting…',
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

/**
 * The signed-in screen: the room list, the room on screen, and the socket that keeps them live.
 * `signedOut` is called once the session is over (logout, deletion, a revoked or expired token,
 * a ban), with what to tell the user about it if anything.
 */
export async function showChat(
  app: HTMLElement,
  client: ChatClient,
  me: Profile,
  signedOut: (notice?: string) => void,
): Promise<void> {
  const { http } = client;
  const notice = h('p', { class: 'notice', role: 'alert' });
  const report = (error: unknown) => (notice.textContent = (error as Error).message);

  const store = new RoomsStore({
    myId: () => me.user_id,
    fetchMembers: (roomId) => http.members(roomId),
  });
  const lists = new Map<number, MessageList>();
  const pending = new PendingList(() => client.pending(pane.roomId));
  const dots = new PresenceDots(client);
  /** Names of the people seen (authors, members), for who is typing. */
  const names = new Map<number, string>();
  const reads = new ReadTracker({
    client,
    current: () => pane.list && { roomId: pane.roomId, seesNewest: pane.list.seesNewest },
    failed: (error) => console.warn(error),
  });

  /** Site moderators and admins act as owners in public rooms; in others only the owner does. */
  const actsAsOwner = (entry: RoomEntry) =>
    entry.roomRole === 'owner' || (me.role >= MODERATOR && entry.room.kind === 'public');
  const canManage = (entry: RoomEntry) =>
    entry.room.id === GENERAL_ROOM_ID ? me.role >= ADMIN : actsAsOwner(entry);
  const moderation = moderationUi({ http, me: () => me, store, actsAsOwner });
  /** What the viewer may do to someone seen in a room: write to them, and moderate. */
  const actionsOn = (who: RoomMessage | RoomMember, roomId: number): UserAction[] =>
    who.user_id === me.user_id
      ? []
      : [
          { label: 'Message', run: () => openDirect(who.user_id) },
          ...moderation.actionsOn(who, roomId),
        ];

  const listFor = (roomId: number): MessageList => {
    let list = lists.get(roomId);
    if (list) return list;
    const entry = () => store.get(roomId);
    const created = new MessageList('Messages', {
      fetchPage: (query) => http.messages(roomId, { ...query, limit: HISTORY_PAGE }),
      report,
      viewChanged: () => reads.check(),
      render: (message) => {
        names.set(message.user_id, message.name);
        return renderMessage(message, {
          myId: () => me.user_id,
          myName: () => me.name,
          canEdit: (m) => m.user_id === me.user_id && !entry()?.room.archived,
          canDelete: (m) => {
            const room = entry();
            return !!room && !room.room.archived && (m.user_id === me.user_id || actsAsOwner(room));
          },
          canReport: (m) => m.user_id !== me.user_id,
          reportMessage: (m) => moderation.report(m),
          author: (m) =>
            h(
              'span',
              { class: 'author-line' },
              dots.dot(m.user_id),
              userName(m.name, 'author', actionsOn(m, roomId)),
            ),
          edit: (m, text) => editMessage(m, text),
          remove: (m) => deleteMessage(m),
          report,
        });
      },
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
      const room = await http.room(roomId);
      if (store.has(roomId)) return showRoom(roomId);
      pane.preview(room);
      showRoomInAddress(roomId);
      rooms.render();
    } catch (error) {
      showRoom(GENERAL_ROOM_ID);
      notice.textContent =
        error instanceof ChatApiError && error.status === 404
          ? 'Room not found'
          : (error as Error).message;
    }
  }

  /** Shows one of our rooms: where its reader left it, or around message `jumpToSeq`. */
  function showRoom(roomId: number, jumpToSeq?: number): void {
    const list = listFor(roomId);
    // "New messages" from the marker as it is when the room opens.
    const state = client.store.room(roomId);
    list.setDivider(state && state.unread > 0 ? state.lastReadSeq : undefined);
    pane.show(roomId, list);
    dots.refresh(list.element);
    pending.render();
    showTyping();
    showRoomInAddress(roomId);
    rooms.render();
    (jumpToSeq === undefined ? list.ensureLoaded() : list.jumpTo(jumpToSeq)).catch(report);
    loadPresence(roomId);
    reads.check();
  }

  /**
   * Who is online in the room: a large room's count from the server; a small room's members
   * (the server tells each one's changes), which also names who types there.
   */
  function loadPresence(roomId: number): void {
    const entry = store.get(roomId);
    if (!entry) return;
    const loaded =
      entry.room.member_count > LARGE_ROOM
        ? client.loadRoomPresence(roomId)
        : store
            .members(roomId)
            .then((members) => client.watchPresence(members.map((m) => m.user_id)));
    loaded.then(() => pane.renderHeader()).catch(() => undefined);
  }

  /** Members online or away: a large room's count, else its members' as the server tells them. */
  function onlineIn(entry: RoomEntry): number | undefined {
    if (entry.room.kind === 'direct') return undefined;
    const counted = client.store.room(entry.room.id)?.online;
    if (counted !== undefined || !entry.members) return counted;
    return entry.members.filter((member) => {
      const status = client.store.presence(member.user_id);
      return status === 'online' || status === 'away';
    }).length;
  }

  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  function showTyping(): void {
    const roomId = pane.roomId;
    const typers = client.store.room(roomId)?.typing ?? [];
    const entry = store.get(roomId);
    const nameOf = (userId: number) =>
      entry?.members?.find((member) => member.user_id === userId)?.name ?? names.get(userId);
    if (typers.some((userId) => nameOf(userId) === undefined)) {
      // Someone not seen yet: their name comes with the members (then this runs again).
      void store.members(roomId).catch(() => undefined);
    }
    typing.textContent = typingText(typers.map((userId) => nameOf(userId) ?? 'Someone'));
  }

  /** A room we just joined, created or were added to: follow it from the number it had then. */
  function adopt(room: RoomView): void {
    if (client.lastSeq(room.id) === undefined) client.follow(room.id, room.last_seq);
    store.put(room, { roomRole: room.room_role, peer: room.peer });
  }

  function roomGone(roomId: number, reason: string): void {
    const entry = store.get(roomId);
    const title = entry ? store.title(entry) : 'the room';
    store.remove(roomId);
    lists.delete(roomId);
    if (pane.roomId === roomId) {
      showRoom(GENERAL_ROOM_ID);
      notice.textContent =
        reason === 'removed' ? `You were removed from ${title}` : `You are no longer in ${title}`;
    }
  }

  async function openDirect(userId: number): Promise<void> {
    try {
      const room = await http.openDirect(userId);
      adopt(room);
      showRoom(room.id);
    } catch (error) {
      report(error);
    }
  }

  /** A search hit: its room, at the message. */
  function openMessage(message: RoomMessage): void {
    notice.textContent = '';
    if (store.has(message.room_id)) showRoom(message.room_id, message.seq);
    else void openRoom(message.room_id);
  }

  // Messages: sent and changed over the socket when it is up; edits and deletes over HTTP otherwise.
  function send(roomId: number, text: string): void {
    // What is sent shows at the end: a list away from the newest goes back there.
    const list = lists.get(roomId);
    if (list?.awayFromNewest) list.reload().catch(report);
    client
      .send(roomId, text)
      .then((message) => lists.get(roomId)?.show(message))
      .catch((error: unknown) => {
        // Closed: the user signed out with the message still waiting.
        if (error instanceof ChatSocketError && error.code === 'closed') return;
        // Refused for good (muted, say): the reason shows by the composer, the text back in it.
        report(error);
        if (pane.roomId === roomId) composer.restore(text);
      });
  }

  async function editMessage(message: RoomMessage, text: string): Promise<void> {
    if (client.state === 'online') await client.edit(message.message_id, text);
    else await http.editMessage(message.message_id, text);
  }

  async function deleteMessage(message: RoomMessage): Promise<void> {
    if (client.state === 'online') await client.remove(message.message_id);
    else await http.deleteMessage(message.message_id);
  }

  /** After a reconnect: rooms we were added to meanwhile join the list. */
  async function reconcile(roomIds: number[]): Promise<void> {
    const missing = roomIds.filter((id) => !store.has(id));
    if (missing.length === 0) return;
    for (const mine of await client.loadRooms()) {
      if (missing.includes(mine.id)) adopt(mine);
    }
  }

  const state = h('span', { class: 'connection', role: 'status' });
  const showState = () => {
    const offline = !navigator.onLine && client.state !== 'online';
    state.textContent = offline ? 'Offline' : STATE_LABELS[client.state];
    state.dataset.state = offline ? 'offline' : client.state;
  };
  showState();
  const stops = [
    client.on('state', showState),
    client.on('ready', ({ rooms }) => reconcile(rooms.map((room) => room.room_id)).catch(report)),
    showRoomEvents(client, {
      store,
      myId: () => me.user_id,
      list: (roomId) => lists.get(roomId),
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
        if (name !== undefined) names.set(user_id, name);
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
    client.on('room.lost', ({ room_id }) => roomGone(room_id, 'removed')),
    client.on('session.ended', ({ code, detail }) =>
      signOut(false, code === 'banned' ? `You have been banned: ${detail}` : undefined),
    ),
    client.on('pending', ({ room_id }) => {
      if (room_id === pane.roomId) pending.render();
    }),
    client.on('problem', ({ detail }) => console.warn(detail)),
    client.store.subscribe((roomId) => {
      renderRooms();
      if (roomId !== pane.roomId) return;
      showTyping();
      pane.renderHeader();
    }),
    client.store.subscribePresence((userId) => {
      if (store.get(pane.roomId)?.members?.some((m) => m.user_id === userId)) pane.renderHeader();
    }),
    trackActivity(client),
    () => reads.stop(),
    () => search.stop(),
  ];

  /** Back to the sign-in form at once; the server hears of a logout in the background. */
  function signOut(tellServer: boolean, notice?: string): void {
    stops.forEach((stop) => stop());
    client.close();
    window.removeEventListener('hashchange', followAddress);
    if (tellServer) void http.logout().catch(() => undefined);
    signedOut(notice);
  }

  const search = searchBox({
    search: (query) => client.search(query),
    roomName: (roomId) => {
      const entry = store.get(roomId);
      return entry ? store.title(entry) : `Room ${roomId}`;
    },
    open: openMessage,
  });
  const avatar = h('img', { class: 'avatar', alt: '', width: 32, height: 32 });
  const name = h('span', { class: 'me' });
  const showProfile = () => {
    avatar.src = me.user_avatar;
    name.textContent = me.name;
    moderation.showRole();
  };
  showProfile();
  const profile = profileDialog({
    http,
    me: () => me,
    changed: async () => {
      me = await http.me();
      showProfile();
      for (const list of lists.values()) list.refresh();
    },
    deleted: () => signOut(false),
  });

  const composer = new Composer(
    (text) => {
      notice.textContent = '';
      send(pane.roomId, text);
    },
    () => client.typing(pane.roomId),
  );
  const pane: RoomPane = new RoomPane(
    {
      store,
      canManage,
      showMembers: (roomId) => members.open(roomId),
      showSettings: (room) => settings.open(room),
      leave: (entry) => {
        if (!confirm(`Leave ${store.title(entry)}?`)) return;
        http
          .leaveRoom(entry.room.id)
          .then(() => roomGone(entry.room.id, 'left'))
          .catch(report);
      },
      join: async (room) => {
        adopt(await http.joinRoom(room.id));
        showRoom(room.id);
      },
      online: onlineIn,
      report,
    },
    { typing, pending: pending.element, notice, composer: composer.element },
  );
  const rooms = roomList({
    store,
    current: () => pane.roomId,
    counts: (roomId) => client.store.room(roomId) ?? { unread: 0, mentions: 0 },
    dot: (userId) => dots.dot(userId),
    newRoom: () => newRoom.open(),
    findRooms: () => directory.open(),
  });
  /** The sidebar again, once per frame however many changes came. */
  let roomsQueued = false;
  function renderRooms(): void {
    if (roomsQueued) return;
    roomsQueued = true;
    requestAnimationFrame(() => {
      roomsQueued = false;
      rooms.render();
    });
  }
  store.subscribe(() => {
    renderRooms();
    showTyping();
  });

  const newRoom = newRoomDialog(async (fields) => {
    const room = await http.createRoom(fields);
    adopt(room);
    showRoom(room.id);
  });
  const directory = directoryDialog({
    search: (q, cursor) => http.directory({ q, cursor }),
    isMember: (roomId) => store.has(roomId),
    join: async (room) => {
      adopt(await http.joinRoom(room.id));
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
    users: () => http.users(),
    add: async (roomId, userId) => {
      await http.addMember(roomId, userId);
    },
    remove: async (roomId, userId) => {
      await http.removeMember(roomId, userId);
    },
    message: (userId) => openDirect(userId),
    actions: (roomId, member) => moderation.actionsOn(member, roomId),
    dot: (userId) => dots.dot(userId),
  });
  const settings = roomSettingsDialog({
    update: async (roomId, fields) => store.updateRoom(await http.updateRoom(roomId, fields)),
    archive: async (roomId) => store.updateRoom(await http.archiveRoom(roomId)),
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
      search.element,
      moderation.reportsButton,
      h('button', { type: 'button', class: 'secondary', onclick: profile.open }, 'Profile'),
      h('button', { type: 'button', class: 'secondary', onclick: () => signOut(true) }, 'Log out'),
    ),
    h('div', { class: 'layout' }, rooms.element, pane.element),
    profile.dialog,
    newRoom.dialog,
    directory.dialog,
    members.dialog,
    settings.dialog,
    ...moderation.dialogs,
  );
  app.removeAttribute('aria-busy');
  try {
    for (const mine of await client.loadRooms()) adopt(mine);
  } catch (error) {
    report(error);
  }
  await openRoom(roomInAddress() ?? GENERAL_ROOM_ID);
  client.connect().catch(() => undefined); // a session ended on the way: see session.ended
  composer.focus();
}
