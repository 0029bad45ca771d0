import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { PRESENCE_SCRIPT } from './presence-script';
import { PresenceChange, PresenceStatus, SocketStatus } from './presence-status';
import { PresenceStore } from './presence-store';

const RETRY_FIRST_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 5_000;
/** A Redis that does not answer within this is treated as away for that command. */
const COMMAND_TIMEOUT_MS = 2_000;
const QUIT_TIMEOUT_MS = 1_000;

type ScriptReply = (string | number)[];
interface PresenceCommands {
  chatPresence(...args: (string | number)[]): Promise<ScriptReply | string | number>;
}

/**
 * Several instances: presence in Redis (see PRESENCE_SCRIPT for the keys). This instance's
 * sockets are also kept here, as the truth to put back whenever Redis may have lost or swept
 * them: after a reconnection, a failed command, or a heartbeat found expired. Every third of the
 * heartbeat's lifetime it beats, which also sweeps the sockets of instances whose heartbeat
 * expired: the script does it atomically, so exactly one instance reports each resulting change.
 */
export class RedisPresenceStore
  extends PresenceStore
  implements OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger('PresenceStore');
  private readonly instanceId = randomUUID();
  private readonly redis: Redis;
  private readonly sockets = new Map<string, { userId: number; status: SocketStatus }>();
  /** Set when Redis may not hold this instance's sockets as they are: the next beat resets them. */
  private stale = true;
  /**
   * The users of sockets removed while Redis may not have taken it: if Redis lost its keys
   * meanwhile, the reset cannot see they went, so it is checked for them afterwards.
   */
  private readonly goneWhileStale = new Set<number>();
  private beating = false;
  private retired = false;
  private timer?: NodeJS.Timeout;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly heartbeatTtlMs: number,
  ) {
    super();
    this.redis = new Redis(url, {
      lazyConnect: true,
      // Fail at once while disconnected: the sockets are put back once Redis is there again.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) =>
        Math.min(RETRY_FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 16), RETRY_MAX_DELAY_MS),
    });
    this.redis.defineCommand('chatPresence', { numberOfKeys: 0, lua: PRESENCE_SCRIPT });
    this.redis.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
    this.redis.on('ready', () => {
      this.stale = true;
      void this.beat();
    });
  }

  onModuleInit(): void {
    this.redis.connect().catch(() => undefined); // retried by retryStrategy
    this.timer = setInterval(() => void this.beat(), Math.max(this.heartbeatTtlMs / 3, 100));
    this.timer.unref();
  }

  /** Quits, within QUIT_TIMEOUT_MS (PresenceService has retired this instance's sockets). */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status === 'ready') {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS)));
      await Promise.race([this.redis.quit().catch(() => undefined), bound]);
      clearTimeout(timer);
    }
    if (this.redis.status !== 'end') this.redis.disconnect();
  }

  /** Takes this instance's sockets out of Redis, with its heartbeat; it beats no more. */
  async retire(): Promise<PresenceChange[]> {
    clearInterval(this.timer);
    this.retired = true;
    this.sockets.clear();
    if (this.redis.status !== 'ready') return [];
    try {
      return changesIn(await this.run('retire'));
    } catch (error) {
      this.logger.debug(`Presence not retired: ${(error as Error).message}`);
      return [];
    }
  }

  put(connectionId: string, userId: number, status: SocketStatus): Promise<PresenceChange[]> {
    this.sockets.set(connectionId, { userId, status });
    return this.change('put', connectionId, userId, status);
  }

  async remove(connectionId: string): Promise<PresenceChange[]> {
    const socket = this.sockets.get(connectionId);
    if (!socket) return [];
    this.sockets.delete(connectionId);
    if (this.stale) this.goneWhileStale.add(socket.userId);
    const changes = await this.change('remove', connectionId);
    if (this.stale) this.goneWhileStale.add(socket.userId);
    else if (changes.length > 0) this.goneWhileStale.delete(socket.userId);
    return changes;
  }

  async statuses(userIds: number[]): Promise<PresenceStatus[]> {
    if (userIds.length === 0) return [];
    const statuses = await this.redis.hmget(`${this.prefix}status`, ...userIds.map(String));
    return statuses.map((status) => (status as PresenceStatus | null) ?? 'offline');
  }

  async syncRooms(userId: number, roomIds: number[], counted: number[]): Promise<number[]> {
    return (await this.run('rooms', userId, roomIds.length, ...roomIds, ...counted)).map(Number);
  }

  async onlineCounts(roomIds: number[]): Promise<number[]> {
    if (roomIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const roomId of roomIds) pipeline.scard(`${this.prefix}room:${roomId}`);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, count]) => {
      if (error) throw error;
      return Number(count);
    });
  }

  async claimTyping(userId: number, roomId: number, intervalMs: number): Promise<boolean> {
    try {
      const key = `${this.prefix}typing:${roomId}:${userId}`;
      return (await this.redis.set(key, '1', 'PX', intervalMs, 'NX')) === 'OK';
    } catch {
      return true; // Redis away: this instance's throttle alone holds
    }
  }

  /** A socket change; when Redis does not take it, the next beat puts every socket back. */
  private async change(...args: (string | number)[]): Promise<PresenceChange[]> {
    try {
      const reply = await this.run(...args);
      if (reply[0] === 1) {
        this.stale = true;
        void this.beat();
      }
      return changesIn(reply);
    } catch (error) {
      this.logger.debug(`Presence change kept for later: ${(error as Error).message}`);
      this.stale = true;
      return [];
    }
  }

  /**
   * Refreshes the heartbeat and sweeps dead instances; then, when Redis may not hold this
   * instance's sockets as they are (the heartbeat had expired, say), replaces them with those
   * kept here.
   */
  private async beat(): Promise<void> {
    if (this.beating || this.retired || this.redis.status !== 'ready') return;
    this.beating = true;
    try {
      const reply = await this.run('beat');
      this.report(changesIn(reply));
      if (this.stale || reply[0] === 1) await this.reset();
    } catch (error) {
      this.stale = true;
      this.logger.debug(`Presence heartbeat failed: ${(error as Error).message}`);
    } finally {
      this.beating = false;
    }
  }

  /**
   * Replaces this instance's sockets in Redis with those kept here, and reports what that changed.
   * A Redis that restarted empty holds nothing of the users whose sockets went meanwhile, so the
   * reset sees no change of theirs though others were told they were present: those now offline
   * are reported too (once: not those the reset reported).
   */
  private async reset(): Promise<void> {
    this.stale = false;
    let gone = [...this.goneWhileStale];
    this.goneWhileStale.clear();
    try {
      const changes = changesIn(await this.run('reset', ...this.socketArguments()));
      this.report(changes);
      const told = new Set(changes.map((change) => change.userId));
      gone = gone.filter((userId) => !told.has(userId));
      const statuses = await this.statuses(gone);
      this.report(
        gone
          .filter((_userId, i) => statuses[i] === 'offline')
          .map((userId) => ({ userId, status: 'offline' })),
      );
    } catch (error) {
      for (const userId of gone) this.goneWhileStale.add(userId);
      throw error;
    }
  }

  private socketArguments(): (string | number)[] {
    const args: (string | number)[] = [];
    for (const [connectionId, { userId, status }] of this.sockets) {
      args.push(connectionId, userId, status);
    }
    return args;
  }

  private report(changes: PresenceChange[]): void {
    if (changes.length > 0) this.changed(changes);
  }

  private async run(...args: (string | number)[]): Promise<ScriptReply> {
    return (await this.command(...args)) as ScriptReply;
  }

  private command(...args: (string | number)[]): Promise<ScriptReply | string | number> {
    const commands = this.redis as unknown as PresenceCommands;
    return commands.chatPresence(this.prefix, this.instanceId, this.heartbeatTtlMs, ...args);
  }
}

/** The changes in a socket operation's answer (see PRESENCE_SCRIPT). */
function changesIn(reply: ScriptReply): PresenceChange[] {
  const changes: PresenceChange[] = [];
  for (let i = 1; i + 1 < reply.length; i += 2) {
    changes.push({ userId: Number(reply[i]), status: reply[i + 1] as PresenceStatus });
  }
  return changes;
}
