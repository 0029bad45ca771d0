import './styles.css';
import { api, ApiError, Profile } from './api';
import { authView } from './auth-view';
import { showChat } from './chat-view';
import { h } from './dom';

const TOKEN_KEY = 'chat.token';
const app = document.getElementById('app')!;

function showSignIn(): void {
  localStorage.removeItem(TOKEN_KEY);
  app.replaceChildren(
    authView((token) => {
      localStorage.setItem(TOKEN_KEY, token);
      void start(token);
    }),
  );
  app.removeAttribute('aria-busy');
  app.querySelector('input')?.focus();
}

async function start(token: string): Promise<void> {
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
  await showChat(app, token, me, showSignIn);
}

const saved = localStorage.getItem(TOKEN_KEY);
if (saved) void start(saved);
else showSignIn();
