/** bcrypt reads at most 72 bytes; fewer than 8 is too easy to guess. */
export const PASSWORD_BYTES = { min: 8, max: 72 } as const;

/**
 * What is wrong with a password chosen for an account, or null: 8 to 72 bytes in UTF-8 (bcrypt
 * reads no further), not only spaces, no NUL (bcrypt stops reading there).
 */
export function passwordProblem(password: string): string | null {
  const bytes = Buffer.byteLength(password);
  if (bytes < PASSWORD_BYTES.min || bytes > PASSWORD_BYTES.max) {
    return `must be ${PASSWORD_BYTES.min} to ${PASSWORD_BYTES.max} bytes in UTF-8`;
  }
  if (!/\S/.test(password)) return 'must not be blank';
  if (password.includes('\0')) return 'must not contain NUL characters';
  return null;
}
