import { AppConfig } from './app-config';
import { DEVELOPMENT_JWT_SECRET, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = new AppConfig(validateEnvironment({}));
    expect(config).toMatchObject({
      port: 8000,
      jwtTtlSeconds: 3 * 3600,
      bcryptCost: 12,
      timeZone: 'UTC',
      authRateLimitPerMinute: 20,
      migrateOnStart: true,
      databaseUrl: undefined,
      initialAdmin: { name: 'admin', password: 'admin' },
    });
  });

  it('parses typed values from strings', () => {
    const config = new AppConfig(
      validateEnvironment({
        PORT: '9000',
        JWT_TTL: '90m',
        MIGRATE_ON_START: 'false',
        CORS_ORIGINS: 'https://a.example, https://b.example',
        DATABASE_URL: '',
        TRUST_PROXY: '1',
      }),
    );
    expect(config.trustProxy).toBe(1);
    expect(config.port).toBe(9000);
    expect(config.jwtTtlSeconds).toBe(5400);
    expect(config.migrateOnStart).toBe(false);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ JWT_TTL: '3 hours' }, /JWT_TTL/],
    [{ BCRYPT_COST: '3' }, /BCRYPT_COST/],
    [{ TIME_ZONE: 'Mars/Olympus' }, /TIME_ZONE/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ CORS_ORIGINS: 'not a url' }, /CORS_ORIGINS/],
    [{ MIGRATE_ON_START: 'maybe' }, /MIGRATE_ON_START/],
    [{ TRUST_PROXY: 'yes please!' }, /TRUST_PROXY/],
  ])('refuses %j with a line naming the variable', (raw, name) => {
    expect(() => validateEnvironment(raw)).toThrow(name);
  });

  describe('in production', () => {
    const strongSecret = 'x'.repeat(40);
    const secrets = { JWT_SECRET: strongSecret, ADMIN_SESSION_SECRET: 'y'.repeat(40) };

    it('refuses a missing JWT_SECRET', () => {
      expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    });

    it('refuses the development JWT_SECRET', () => {
      expect(() =>
        validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET }),
      ).toThrow(/JWT_SECRET/);
    });

    it('refuses the development admin password', () => {
      expect(() =>
        validateEnvironment({
          NODE_ENV: 'production',
          ...secrets,
          ADMIN_NAME: 'root',
          ADMIN_PASSWORD: 'admin',
        }),
      ).toThrow(/ADMIN_PASSWORD/);
    });

    it.each([
      ['3 characters', 'abc'],
      ['7 bytes', 'abcdefg'],
      ['73 bytes', 'x'.repeat(73)],
      ['37 two-byte characters (74 bytes)', '\u00e9'.repeat(37)],
      ['a NUL', 'long enough\u0000password'],
    ])('refuses an admin password of %s', (_case, password) => {
      expect(() =>
        validateEnvironment({
          NODE_ENV: 'production',
          ...secrets,
          ADMIN_NAME: 'root',
          ADMIN_PASSWORD: password,
        }),
      ).toThrow(/ADMIN_PASSWORD/);
    });

    it.each([
      ['8 bytes', 'abcdefgh'],
      ['72 bytes', 'x'.repeat(72)],
      ['36 two-byte characters', '\u00e9'.repeat(36)],
    ])('accepts an admin password of %s', (_case, password) => {
      const config = new AppConfig(
        validateEnvironment({
          NODE_ENV: 'production',
          ...secrets,
          ADMIN_NAME: 'root',
          ADMIN_PASSWORD: password,
        }),
      );
      expect(config.initialAdmin).toEqual({ name: 'root', password });
    });

    it('refuses a missing ADMIN_SESSION_SECRET', () => {
      expect(() =>
        validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: strongSecret }),
      ).toThrow(/ADMIN_SESSION_SECRET/);
    });

    it('creates no default admin', () => {
      const config = new AppConfig(validateEnvironment({ NODE_ENV: 'production', ...secrets }));
      expect(config.initialAdmin).toBeUndefined();
      expect(config.jwtSecret).toBe(strongSecret);
    });
  });
});
