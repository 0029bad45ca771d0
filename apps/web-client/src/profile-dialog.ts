import type { ChatHttp, Profile } from '@chat/client';
import { h } from './dom';

export interface ProfileContext {
  http: ChatHttp;
  me: () => Profile;
  /** The profile changed on the server: read it again. */
  changed(): Promise<void>;
  /** The account is gone: back to the sign-in screen. */
  deleted(): void;
}

/** Rename, new password (asking for the current one), avatar upload with a preview, and account deletion. */
export function profileDialog(context: ProfileContext): {
  dialog: HTMLDialogElement;
  open(): void;
} {
  const status = h('p', { class: 'status', role: 'status' });
  const report = (message: string, failed = false) => {
    status.textContent = message;
    status.classList.toggle('error', failed);
  };
  const attempt = async (action: () => Promise<unknown>, done: string) => {
    report('');
    try {
      await action();
      report(done);
    } catch (error) {
      report((error as Error).message, true);
    }
  };

  const name = h('input', {
    id: 'profile-name',
    autocomplete: 'username',
    maxlength: 100,
    required: true,
  });
  const currentPassword = h('input', {
    id: 'profile-current-password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const password = h('input', {
    id: 'profile-password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
  });
  const file = h('input', {
    id: 'profile-avatar',
    type: 'file',
    accept: 'image/png,image/jpeg,image/webp',
    required: true,
  });
  const preview = h('img', { class: 'avatar large', alt: 'Avatar preview', width: 72, height: 72 });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (preview.src.startsWith('blob:')) URL.revokeObjectURL(preview.src);
    preview.src = chosen ? URL.createObjectURL(chosen) : context.me().user_avatar;
  });

  const dialog = h(
    'dialog',
    { class: 'card profile', 'aria-labelledby': 'profile-title' },
    h('h2', { id: 'profile-title' }, 'Profile'),
    h(
      'form',
      {
        onsubmit: (event) => {
          event.preventDefault();
          void attempt(async () => {
            await context.http.updateMe({ name: name.value });
            await context.changed();
          }, 'Name changed');
        },
      },
      h('label', { for: 'profile-name' }, 'Name'),
      h('div', { class: 'row' }, name, h('button', { type: 'submit' }, 'Rename')),
    ),
    h(
      'form',
      {
        onsubmit: (event) => {
          event.preventDefault();
          void attempt(
            () =>
              context.http.updateMe({
                password: password.value,
                current_password: currentPassword.value,
              }),
            'Password changed',
          );
          currentPassword.value = '';
          password.value = '';
        },
      },
      h('label', { for: 'profile-current-password' }, 'Current password'),
      currentPassword,
      h('label', { for: 'profile-password' }, 'New password'),
      h('div', { class: 'row' }, password, h('button', { type: 'submit' }, 'Change')),
    ),
    h(
      'form',
      {
        onsubmit: (event) => {
          event.preventDefault();
          const chosen = file.files?.[0];
          if (chosen) {
            void attempt(
              () => context.http.uploadAvatar(chosen, chosen.name),
              'Avatar uploaded: it appears once resized',
            );
          }
        },
      },
      h('label', { for: 'profile-avatar' }, 'Avatar (PNG, JPEG or WebP, up to 1 MiB)'),
      h('div', { class: 'row' }, preview, file, h('button', { type: 'submit' }, 'Upload')),
    ),
    status,
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => {
            if (!confirm('Delete your account? Your messages stay, signed "Deleted".')) return;
            void attempt(async () => {
              await context.http.deleteAccount();
              dialog.close();
              context.deleted();
            }, 'Account deleted');
          },
        },
        'Delete account',
      ),
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Close'),
    ),
  );
  const open = () => {
    name.value = context.me().name;
    preview.src = context.me().user_avatar;
    report('');
    dialog.showModal();
  };
  return { dialog, open };
}
