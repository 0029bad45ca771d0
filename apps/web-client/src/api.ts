/** The account routes of the chat server (sign-in, profile), as the wire contract describes them. */
import { call } from './http';

export { ApiError } from './http';

export interface Profile {
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
}

/** An entry of the user directory (`GET /user/all`). */
export interface UserEntry {
  id: number;
  name: string;
  role: number;
  user_avatar: string;
}

export const api = {
  register: (name: string, password: string) =>
    call('POST', '/auth/register-user', undefined, { name, password }),
  login: (name: string, password: string) =>
    call<{ token: string; user_id: number }>('POST', '/user/login', undefined, { name, password }),
  logout: (token: string) => call('POST', '/user/logout', token),
  me: (token: string) => call<Profile>('GET', '/user/me', token),
  rename: (token: string, name: string) => call<Profile>('PATCH', '/api/v1/me', token, { name }),
  changePassword: (token: string, currentPassword: string, password: string) =>
    call<Profile>('PATCH', '/api/v1/me', token, { password, current_password: currentPassword }),
  deleteAccount: (token: string) => call('DELETE', '/user/delete', token),
  uploadAvatar: (token: string, image: File) => {
    const form = new FormData();
    form.append('image', image);
    return call('POST', '/avatar/upload', token, form);
  },
  users: () => call<UserEntry[]>('GET', '/user/all'),
};
