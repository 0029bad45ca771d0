import './styles.css';
import { api, ApiError, ChatMessage, Profile } from './api';
import { authView } from './auth-view';
import { ChatSocket, ConnectionState, ServerFrame } from './chat-socket';
import { h } from './dom';
import { profileDialog } from './profile-dialog';
import { Room } from './room';

const TOKEN_KEY = 'chat.token';
const STATE_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const app = document.getElementById('app')!;

function showSignIn(): void {
  localStorage.removeItem(TOKEN_KEY);
  app.replaceChildren(
    authView((token) => {
      localStorage.setItem(TOKEN_KEY, token);
      void showChat(token);
    }),
  );
  app.removeAttribute('aria-busy');
  app.querySelector('input')?.focus();
}

async function showChat(token: string): Promise<void> {
  let me: Profile;
  try {
    me = await api.me(token);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignIn();
    app.replaceChildren(
      h('p', { class: 'error', role: 'alert' }, (error as Error).message),
      h('button', { type: 'button', onclick: () => location.reload() }, 'Try again'),
    );
    app.removeAttribute('aria-busy');
    return;
  }
  const notice = h('p', { class: 'notice', role: 'alert' });
  const report = (error: unknown) => (notice.textContent = (error as Error).message);
  const room = new Room({ me: () => me, token, report });

  /** Messages typed but not yet acknowledged, by client_id: sent again after a reconnect. */
  const outbox = new Map<string, { text: string; item: HTMLLIElement }>();
  const pendingList = h('ol', { class: 'pending', 'aria-label': 'Sending' });
  const send = (clientId: string, text: string) =>
    socket.send({ message: text, client_id: clientId });

  const state = h('span', { class: 'connection', role: 'status' });
  const avatar = h('img', { class: 'avatar', alt: '', width: 32, height: 32 });
  const name = h('span', { class: 'me' });
  const showProfile = () => {
    avatar.src = me.user_avatar;
    name.textContent = me.name;
  };
  showProfile();

  const socket = new ChatSocket(token, () => room.newestId, {
    state: (connection) => {
      state.textContent = STATE_LABELS[connection];
      state.dataset.state = connection;
    },
    opened: () => {
      for (const [clientId, { text }] of outbox) send(clientId, text);
    },
    frame: (frame) => handle(frame),
  });

  function handle(frame: ServerFrame): void {
    if (!('event' in frame)) {
      const message = frame as ChatMessage;
      if (message.client_id) {
        outbox.get(message.client_id)?.item.remove();
        outbox.delete(message.client_id);
      }
      return room.show(message);
    }
    switch (frame.event) {
      case 'update':
        return room.edited(frame.message_id, frame.new_message);
      case 'delete':
        return room.removed(frame.message_id);
      case 'avatar':
        if (frame.user_id === me.user_id) {
          me = { ...me, user_avatar: frame.user_avatar };
          showProfile();
        }
        return room.userChanged(frame.user_id, { user_avatar: frame.user_avatar });
      case 'user': {
        const { user_id, name, role, user_avatar } = frame;
        const own = user_id === me.user_id;
        if (own) {
          me = { ...me, name, role, user_avatar };
          showProfile();
        }
        room.userChanged(user_id, { name, role, user_avatar });
        // The viewer's own role decides which buttons every message shows.
        if (own) room.refresh();
        return;
      }
      case 'resume':
        if (!frame.recovered) room.reload().catch(report);
        return;
      case 'send user message':
        // The session is over (revoked, or the token's time is up): sign in again.
        if (frame.message === 'Invalid token' || frame.message === 'Token expired') {
          void signOut(false);
        } else notice.textContent = frame.message;
        return;
    }
  }

  async function signOut(tellServer: boolean): Promise<void> {
    socket.stop();
    if (tellServer) await api.logout(token).catch(() => undefined);
    showSignIn();
  }

  const profile = profileDialog({
    token,
    me: () => me,
    changed: async () => {
      me = await api.me(token);
      showProfile();
      room.refresh();
    },
    deleted: () => void signOut(false),
  });

  const input = h('textarea', {
    id: 'composer',
    'aria-label': 'Message',
    rows: 1,
    maxlength: 1000,
    placeholder: 'Write a message',
    onkeydown: (event) => {
      const key = event as KeyboardEvent;
      if (key.key === 'Enter' && !key.shiftKey) {
        key.preventDefault();
        composer.requestSubmit();
      }
    },
  });
  const composer = h(
    'form',
    {
      class: 'composer',
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        const clientId = crypto.randomUUID();
        const item = h('li', {}, text);
        outbox.set(clientId, { text, item });
        pendingList.append(item);
        send(clientId, text);
        input.value = '';
        notice.textContent = '';
      },
    },
    input,
    h('button', { type: 'submit' }, 'Send'),
  );

  app.replaceChildren(
    h(
      'header',
      { class: 'top' },
      avatar,
      name,
      state,
      h('button', { type: 'button', class: 'secondary', onclick: profile.open }, 'Profile'),
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => void signOut(true) },
        'Log out',
      ),
    ),
    room.element,
    pendingList,
    notice,
    composer,
    profile.dialog,
  );
  app.removeAttribute('aria-busy');
  try {
    await room.loadLatest();
  } catch (error) {
    report(error);
  }
  socket.start();
  input.focus();
}

const saved = localStorage.getItem(TOKEN_KEY);
if (saved) void showChat(saved);
else showSignIn();
