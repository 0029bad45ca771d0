import { isDatabaseUnavailable, isRefusedByPostgres } from './postgres-errors';

const failure = (fields: { code?: string; severity?: string; message?: string }) =>
  Object.assign(new Error(fields.message ?? 'failed'), fields);

describe('isRefusedByPostgres', () => {
  it('keeps the connection of a statement PostgreSQL refused (a constraint, a deadlock)', () => {
    expect(isRefusedByPostgres(failure({ code: '23505', severity: 'ERROR' }))).toBe(true);
    expect(isRefusedByPostgres(failure({ code: '40P01', severity: 'ERROR' }))).toBe(true);
  });

  it('does not for a FATAL or PANIC, whatever the code: the server process is gone', () => {
    expect(isRefusedByPostgres(failure({ code: '08P01', severity: 'FATAL' }))).toBe(false);
    expect(isRefusedByPostgres(failure({ code: '58030', severity: 'PANIC' }))).toBe(false);
  });

  it('does not when the database is going away or did not answer', () => {
    expect(isRefusedByPostgres(failure({ code: '57P01', severity: 'FATAL' }))).toBe(false);
    expect(isRefusedByPostgres(failure({ code: '57014', severity: 'ERROR' }))).toBe(false);
    expect(isRefusedByPostgres(failure({ message: 'Query read timeout' }))).toBe(false);
    expect(isDatabaseUnavailable(failure({ message: 'Query read timeout' }))).toBe(true);
  });
});
