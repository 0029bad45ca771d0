import type { ChatHttp } from '@chat/client';
import { h } from './dom';

/**
 * Sign in or create an account; calls `signedIn` with the new token. `notice` says why the last
 * session ended (a ban); a refused sign-in shows the server's reason (a ban's 409 says until when).
 */
export function authView(
  http: ChatHttp,
  signedIn: (token: string) => void,
  notice?: string,
): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert' }, notice);
  const name = h('input', {
    id: 'name',
    name: 'name',
    autocomplete: 'username',
    required: true,
    maxlength: 100,
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });

  async function submit(register: boolean): Promise<void> {
    error.textContent = '';
    try {
      if (register) await http.register(name.value, password.value);
      const { token } = await http.login(name.value, password.value);
      signedIn(token);
    } catch (failure) {
      error.textContent = (failure as Error).message;
    }
  }

  const form = h(
    'form',
    {
      class: 'card auth',
      'aria-labelledby': 'auth-title',
      onsubmit: (event) => {
        event.preventDefault();
        const register = (event as SubmitEvent).submitter?.getAttribute('value') === 'register';
        void submit(register);
      },
    },
    h('h1', { id: 'auth-title' }, 'Chat'),
    h('label', { for: 'name' }, 'Name'),
    name,
    h('label', { for: 'password' }, 'Password'),
    password,
    error,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', value: 'login' }, 'Log in'),
      h('button', { type: 'submit', value: 'register', class: 'secondary' }, 'Create account'),
    ),
  );
  return form;
}
