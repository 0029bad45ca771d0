import { randomBytes } from 'node:crypto';
import { TEST_ADMIN, TestApp } from './test-app';

export const PASSWORD = 'correct horse';

/** Anything the factories can talk to: a test app, or a supertest agent for a URL. */
export type ApiClient = Pick<TestApp, 'http'>;

export interface TestUser {
  id: number;
  name: string;
  password: string;
  token: string;
}

export function uniqueName(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Registers a user (role 1) and logs in. */
export async function createUser(t: ApiClient, name = uniqueName()): Promise<TestUser> {
  await t.http.post('/auth/register-user').send({ name, password: PASSWORD }).expect(201);
  return login(t, name, PASSWORD);
}

/** Creates a user of any role directly through the admin-only route. */
export async function createUserWithRole(
  t: ApiClient,
  admin: TestUser,
  role: number,
  name = uniqueName(`role${role}`),
): Promise<TestUser> {
  await t.http
    .post('/auth/register-admin')
    .set('Authorization', `Bearer ${admin.token}`)
    .send({ name, password: PASSWORD, role })
    .expect(201);
  return login(t, name, PASSWORD);
}

export async function login(t: ApiClient, name: string, password: string): Promise<TestUser> {
  const response = await t.http.post('/user/login').send({ name, password }).expect(200);
  return { id: response.body.user_id, name, password, token: response.body.token };
}

export function bearer(user: { token: string }): [string, string] {
  return ['Authorization', `Bearer ${user.token}`];
}

export function loginAdmin(t: ApiClient): Promise<TestUser> {
  return login(t, TEST_ADMIN.name, TEST_ADMIN.password);
}
