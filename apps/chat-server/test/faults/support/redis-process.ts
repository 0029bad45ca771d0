import { ChildProcess, spawn } from 'node:child_process';
import { exitOf, freePort } from '../../support/server-processes';
import { sleep } from './steady-load';

/** A redis-server of the test's own on a free loopback port, keeping nothing on disk. */
export class RedisProcess {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await this.answers()) return;
      await sleep(100);
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Kills it outright, as a crash or a network cut would look to its clients. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await exitOf(this.child);
  }

  private async answers(): Promise<boolean> {
    const { Redis } = await import('ioredis');
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }
}
