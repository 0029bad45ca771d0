import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { passwordProblem } from './password-rule';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export const DURATION_PATTERN = /^\d+(s|m|h|d)?$/;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

// Within a property, class-validator checks the decorator nearest the property first and stops at
// the first failure: the type check sits there so "abc" reads "must be an integer".

/**
 * The process environment as the server accepts it: every variable, its type, range and default.
 * `.env.example` documents the same list.
 */
export class Environment {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInt)
  @Min(0)
  @Max(65535)
  @IsInt()
  PORT = 8000;

  @MinLength(1)
  @IsString()
  HOST = '127.0.0.1';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @MinLength(1)
  @IsString()
  EMBEDDED_DB_DIR = '.data';

  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  EMBEDDED_DB_PORT = 54329;

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATE_ON_START = true;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @Matches(DURATION_PATTERN, { message: 'JWT_TTL must be a duration such as 3h, 90m or 3600s' })
  JWT_TTL = '3h';

  @Transform(toInt)
  @Min(4)
  @Max(15)
  @IsInt()
  BCRYPT_COST = 12;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ADMIN_NAME?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ADMIN_SESSION_SECRET?: string;

  @Matches(/^(\*|https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*)$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS = 'http://localhost:3000,http://localhost:5173';

  @IsTimeZone()
  TIME_ZONE = 'UTC';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Transform(toInt)
  @Min(1)
  @IsInt()
  AUTH_RATE_LIMIT = 20;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  LOGIN_ACCOUNT_RATE_LIMIT = 10;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  HTTP_REQUEST_TIMEOUT_SECONDS = 30;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  HTTP_HEADERS_TIMEOUT_SECONDS = 10;

  @Matches(/^(|true|false|\d{1,2}|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, {
    message:
      'TRUST_PROXY must be empty, true, a hop count, or a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal',
  })
  TRUST_PROXY = '';

  @Transform(toInt)
  @Min(1)
  @IsInt()
  MESSAGE_RATE_LIMIT = 10;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  MESSAGE_RATE_BURST = 20;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  MESSAGE_CHANGE_RATE_LIMIT = 2;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  MESSAGE_CHANGE_RATE_BURST = 20;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  READ_MARKER_RATE_LIMIT = 5;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  READ_MARKER_RATE_BURST = 20;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  SEARCH_RATE_LIMIT = 2;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  SEARCH_RATE_BURST = 10;

  @Transform(toInt)
  @Min(100)
  @Max(60_000)
  @IsInt()
  SEARCH_TIMEOUT_MS = 2000;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  REPORT_RATE_PER_MINUTE = 5;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  REPORT_RATE_BURST = 5;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  MODERATION_RATE_PER_MINUTE = 30;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  MODERATION_RATE_BURST = 10;

  @Transform(toInt)
  @Min(1024)
  @IsInt()
  WS_MAX_FRAME_BYTES = 65536;

  @Transform(toInt)
  @Min(1024)
  @IsInt()
  WS_MAX_BUFFERED_BYTES = 1048576;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  WS_PING_INTERVAL_SECONDS = 30;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  WS_MAX_CONNECTIONS_PER_ADDRESS = 100;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @MinLength(1)
  @IsString()
  AVATAR_DIR = '.data/avatars';

  @Transform(toInt)
  @Min(1)
  @Max(64)
  @IsInt()
  AVATAR_JOB_CONCURRENCY = 2;

  @MinLength(1)
  @IsString()
  WEB_CLIENT_DIR = 'dist/web-client';

  @Matches(/^[\w:.-]{1,64}$/, { message: 'REDIS_PREFIX must be 1 to 64 letters, digits or :._-' })
  REDIS_PREFIX = 'chat:';

  @Transform(toInt)
  @Min(1)
  @Max(600)
  @IsInt()
  DB_CONNECT_TIMEOUT_SECONDS = 5;

  @Transform(toInt)
  @Min(1)
  @Max(3600)
  @IsInt()
  DB_QUERY_TIMEOUT_SECONDS = 10;

  @Transform(toInt)
  @Min(1)
  @Max(100000)
  @IsInt()
  RESUME_MAX_MESSAGES = 1000;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  PROFILE_UPDATE_RATE_LIMIT = 10;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  ROOMS_CREATED_PER_HOUR = 10;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  ROOMS_PER_USER = 500;

  @Transform(toInt)
  @Min(1)
  @Max(100000)
  @IsInt()
  PRESENCE_ROOM_LIMIT = 100;

  @Transform(toInt)
  @Min(1)
  @Max(300)
  @IsInt()
  PRESENCE_INSTANCE_TTL_SECONDS = 15;
}

/** Raised at boot; its message is one line naming every variable that is wrong. */
export class InvalidConfigurationError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'InvalidConfigurationError';
  }
}

export const DEVELOPMENT_JWT_SECRET = 'development-only-jwt-secret-do-not-use-in-production';
export const DEVELOPMENT_SESSION_SECRET =
  'development-only-admin-session-secret-not-for-production';
export const DEVELOPMENT_ADMIN = { name: 'admin', password: 'admin' };
const MIN_PRODUCTION_SECRET_LENGTH = 32;

const variableNames = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(Environment, '', true, false)
    .map((metadata) => metadata.propertyName),
);

/**
 * Validates raw variables (strings, as the process has them) into a typed Environment, or throws
 * one line naming every variable that is wrong.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const known = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => variableNames.has(key) && value !== undefined),
  );
  const environment = plainToInstance(Environment, known, { exposeDefaultValues: true });
  const problems = validateSync(environment, { stopAtFirstError: true }).map(describe);
  if (problems.length === 0) problems.push(...productionProblems(environment));
  if (problems.length > 0) throw new InvalidConfigurationError(problems);
  return environment;
}

function productionProblems(environment: Environment): string[] {
  if (environment.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  const secret = environment.JWT_SECRET;
  if (
    !secret ||
    secret === DEVELOPMENT_JWT_SECRET ||
    secret.length < MIN_PRODUCTION_SECRET_LENGTH
  ) {
    problems.push(
      `JWT_SECRET must be set to a random string of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
    );
  }
  const sessionSecret = environment.ADMIN_SESSION_SECRET;
  if (
    !sessionSecret ||
    sessionSecret === DEVELOPMENT_SESSION_SECRET ||
    sessionSecret.length < MIN_PRODUCTION_SECRET_LENGTH
  ) {
    problems.push(
      `ADMIN_SESSION_SECRET must be set to a random string of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
    );
  }
  const adminPassword = environment.ADMIN_PASSWORD;
  if (adminPassword === DEVELOPMENT_ADMIN.password) {
    problems.push('ADMIN_PASSWORD must not be the development password in production');
  } else if (adminPassword !== undefined) {
    // The rules every account's password follows (the API's IsNewPassword).
    const problem = passwordProblem(adminPassword);
    if (problem) problems.push(`ADMIN_PASSWORD ${problem} in production`);
  }
  return problems;
}

function describe(error: ValidationError): string {
  return Object.values(error.constraints ?? {})[0] ?? `${error.property} is invalid`;
}
