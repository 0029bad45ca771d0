import './styles.css';
import { ChatApiError, ChatClient, ChatHttp, Profile } from '@chat/client';
import { authView } from './auth-view';
import { showChat } from './chat-view';
import { h } from './dom';

const TOKEN_KEY = 'chat.token';
const app = document.getElementById('app')!;

/** The sign-in form, with what ended the last session when it says something (a ban). */
function showSignIn(notice?: string): void {
  localStorage.removeItem(TOKEN_KEY);
  app.replaceChildren(
    authView(
      new ChatHttp({ url: location.origin }),
      (token) => {
        localStorage.setItem(TOKEN_KEY, token);
        void start(token);
      },
      notice,
    ),
  );
  app.removeAttribute('aria-busy');
  app.querySelector('input')?.focus();
}

async function start(token: string): Promise<void> {
  const client = new ChatClient({ url: location.origin, token });
  let me: Profile;
  try {
    me = await client.http.me();
  } catch (error) {
    if (error instanceof ChatApiError && error.status === 401) return showSignIn();
    app.replaceChildren(
      h('p', { class: 'error', role: 'alert' }, (error as Error).message),
      h('button', { type: 'button', onclick: () => location.reload() }, 'Try again'),
    );
    app.removeAttribute('aria-busy');
    return;
  }
  await showChat(app, client, me, showSignIn);
}

const saved = localStorage.getItem(TOKEN_KEY);
if (saved) void start(saved);
else showSignIn();
