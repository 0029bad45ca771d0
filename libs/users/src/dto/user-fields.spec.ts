import { passwordProblem } from '@chat/config';
import { validate } from 'class-validator';
import { IsNewPassword } from './user-fields';

class Body {
  @IsNewPassword()
  password!: unknown;
}

/** The messages a body with this password gets, as the API's validation pipe reports them. */
async function problems(password: unknown): Promise<string[]> {
  const body = new Body();
  body.password = password;
  const errors = await validate(body, { stopAtFirstError: true });
  return errors.flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('IsNewPassword', () => {
  it.each([
    ['a 7-byte password', 'short77', 'password must be 8 to 72 bytes in UTF-8'],
    ['an empty password', '', 'password must be 8 to 72 bytes in UTF-8'],
    ['a 73-byte password', 'p'.repeat(73), 'password must be 8 to 72 bytes in UTF-8'],
    ['a 73-byte Unicode password', 'é'.repeat(36) + 'x', 'password must be 8 to 72 bytes in UTF-8'],
    ['a blank password', '          ', 'password must not be blank'],
    ['a password with a NUL', 'password\u0000tail', 'password must not contain NUL characters'],
    ['a number', 12345678, 'password must be a string'],
  ])('refuses %s with one message', async (_case, password, message) => {
    expect(await problems(password)).toEqual([message]);
  });

  it.each(['correct horse', 'é'.repeat(36), '12345678'])('accepts %p', async (password) => {
    expect(await problems(password)).toEqual([]);
  });

  it('follows the rule the configuration applies to the admin password', async () => {
    for (const password of ['short', '', ' '.repeat(9), 'nul\u0000password', 'x'.repeat(80)]) {
      expect(await problems(password)).toEqual([`password ${passwordProblem(password)}`]);
    }
  });
});
