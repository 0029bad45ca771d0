import {
  DEVELOPMENT_ADMIN,
  DEVELOPMENT_JWT_SECRET,
  DEVELOPMENT_SESSION_SECRET,
  Environment,
} from './environment';

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export interface AdminAccount {
  name: string;
  password: string;
}

/** The validated configuration every module reads; built once from the Environment. */
export class AppConfig {
  readonly nodeEnv: Environment['NODE_ENV'];
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string;
  readonly embeddedDatabase: { dir: string; port: number };
  readonly migrateOnStart: boolean;
  readonly jwtSecret: string;
  readonly jwtTtlSeconds: number;
  readonly bcryptCost: number;
  readonly initialAdmin?: AdminAccount;
  readonly adminSessionSecret: string;
  readonly corsOrigins: string[] | '*';
  readonly timeZone: string;
  readonly logLevel: Environment['LOG_LEVEL'];
  readonly authRateLimitPerMinute: number;
  /** Login attempts per minute for one account name, from any address. */
  readonly loginAccountRateLimitPerMinute: number;
  /** Slow clients: the whole request, and its headers, must arrive within these. */
  readonly http: { requestTimeoutMs: number; headersTimeoutMs: number };
  /** Express's "trust proxy": which hops may tell the client's address and protocol. */
  readonly trustProxy: boolean | number | string;
  readonly messageRate: { perSecond: number; burst: number };
  /** Edits and deletions of messages per user (v2 routes and frames). */
  readonly messageChangeRate: { perSecond: number; burst: number };
  /** Read marker moves per user (POST /api/v1/rooms/:id/read and `read` frames). */
  readonly readMarkerRate: { perSecond: number; burst: number };
  /** Searches per user, and how long one may run in PostgreSQL. */
  readonly search: { rate: { perSecond: number; burst: number }; timeoutMs: number };
  /** Reports of messages per user. */
  readonly reportRate: { perSecond: number; burst: number };
  /** Bans, mutes, kicks and their lifting, per moderator. */
  readonly moderationRate: { perSecond: number; burst: number };
  readonly socket: {
    maxFrameBytes: number;
    maxBufferedBytes: number;
    pingIntervalMs: number;
    maxConnectionsPerAddress: number;
  };
  readonly redis?: { url: string; prefix: string };
  readonly avatars: { dir: string; concurrency: number };
  /** The built browser client served at `/`. */
  readonly webClientDir: string;
  /**
   * A database that hangs rather than refusing: connecting gives up after `connectTimeoutMs`, and
   * a statement after `queryTimeoutMs` (statement_timeout on the server, and a read timeout on the
   * client for a server that does not answer at all).
   */
  readonly database: { connectTimeoutMs: number; queryTimeoutMs: number };
  /** Messages one `resume` replays at most; past that the client is told to reload history. */
  readonly resumeMaxMessages: number;
  /** Profile changes (rename, password) per minute for one user. */
  readonly profileUpdateRateLimitPerMinute: number;
  /**
   * Rooms (public or private) one user may create per hour, and rooms one user may be in besides
   * the general room (direct conversations included).
   */
  readonly rooms: { createdPerHour: number; perUser: number };
  /**
   * Rooms of up to `roomLimit` members are told each member's presence, larger ones only their
   * online count. With Redis, an instance's connections count while its heartbeat key lives
   * (`instanceTtlMs`, refreshed every third of it); a crashed one's are swept by the others.
   */
  readonly presence: { roomLimit: number; instanceTtlMs: number };

  constructor(env: Environment) {
    this.nodeEnv = env.NODE_ENV;
    this.isProduction = env.NODE_ENV === 'production';
    this.port = env.PORT;
    this.host = env.HOST;
    this.databaseUrl = env.DATABASE_URL;
    this.embeddedDatabase = { dir: env.EMBEDDED_DB_DIR, port: env.EMBEDDED_DB_PORT };
    this.migrateOnStart = env.MIGRATE_ON_START;
    this.jwtSecret = env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET;
    this.jwtTtlSeconds = parseDuration(env.JWT_TTL);
    this.bcryptCost = env.BCRYPT_COST;
    this.initialAdmin = initialAdmin(env);
    this.adminSessionSecret = env.ADMIN_SESSION_SECRET ?? DEVELOPMENT_SESSION_SECRET;
    this.corsOrigins =
      env.CORS_ORIGINS.trim() === '*' ? '*' : env.CORS_ORIGINS.split(',').map((o) => o.trim());
    this.timeZone = env.TIME_ZONE;
    this.logLevel = env.LOG_LEVEL;
    this.authRateLimitPerMinute = env.AUTH_RATE_LIMIT;
    this.loginAccountRateLimitPerMinute = env.LOGIN_ACCOUNT_RATE_LIMIT;
    const requestTimeoutMs = env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000;
    this.http = {
      requestTimeoutMs,
      headersTimeoutMs: Math.min(env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000, requestTimeoutMs),
    };
    this.trustProxy = parseTrustProxy(env.TRUST_PROXY.trim());
    this.messageRate = { perSecond: env.MESSAGE_RATE_LIMIT, burst: env.MESSAGE_RATE_BURST };
    this.messageChangeRate = {
      perSecond: env.MESSAGE_CHANGE_RATE_LIMIT,
      burst: env.MESSAGE_CHANGE_RATE_BURST,
    };
    this.readMarkerRate = {
      perSecond: env.READ_MARKER_RATE_LIMIT,
      burst: env.READ_MARKER_RATE_BURST,
    };
    this.search = {
      rate: { perSecond: env.SEARCH_RATE_LIMIT, burst: env.SEARCH_RATE_BURST },
      // Within the pool's own read timeout, so PostgreSQL cuts a search off before the client
      // gives up on it and leaves it running.
      timeoutMs: Math.min(env.SEARCH_TIMEOUT_MS, env.DB_QUERY_TIMEOUT_SECONDS * 1000),
    };
    this.reportRate = { perSecond: env.REPORT_RATE_PER_MINUTE / 60, burst: env.REPORT_RATE_BURST };
    this.moderationRate = {
      perSecond: env.MODERATION_RATE_PER_MINUTE / 60,
      burst: env.MODERATION_RATE_BURST,
    };
    this.socket = {
      maxFrameBytes: env.WS_MAX_FRAME_BYTES,
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      pingIntervalMs: env.WS_PING_INTERVAL_SECONDS * 1000,
      maxConnectionsPerAddress: env.WS_MAX_CONNECTIONS_PER_ADDRESS,
    };
    this.avatars = { dir: env.AVATAR_DIR, concurrency: env.AVATAR_JOB_CONCURRENCY };
    this.webClientDir = env.WEB_CLIENT_DIR;
    this.redis = env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX } : undefined;
    this.database = {
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_SECONDS * 1000,
      queryTimeoutMs: env.DB_QUERY_TIMEOUT_SECONDS * 1000,
    };
    this.resumeMaxMessages = env.RESUME_MAX_MESSAGES;
    this.profileUpdateRateLimitPerMinute = env.PROFILE_UPDATE_RATE_LIMIT;
    this.rooms = { createdPerHour: env.ROOMS_CREATED_PER_HOUR, perUser: env.ROOMS_PER_USER };
    this.presence = {
      roomLimit: env.PRESENCE_ROOM_LIMIT,
      instanceTtlMs: env.PRESENCE_INSTANCE_TTL_SECONDS * 1000,
    };
  }
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function parseDuration(value: string): number {
  const unit = (value.match(/[smhd]$/)?.[0] ?? 's') as keyof typeof SECONDS_PER_UNIT;
  return Number.parseInt(value, 10) * SECONDS_PER_UNIT[unit];
}

/** Outside production an unset admin account falls back to the development one. */
function initialAdmin(env: Environment): AdminAccount | undefined {
  if (env.ADMIN_NAME && env.ADMIN_PASSWORD) {
    return { name: env.ADMIN_NAME, password: env.ADMIN_PASSWORD };
  }
  if (env.NODE_ENV === 'development' && !env.ADMIN_NAME && !env.ADMIN_PASSWORD) {
    return DEVELOPMENT_ADMIN;
  }
  return undefined;
}
