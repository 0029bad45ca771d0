// The SDK as its users get it: `npm pack` of libs/client, installed in an empty folder with
// nothing else of this repository, its README's Node example run there against the built server.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createUser } from '../support/factories';
import {
  REPOSITORY_ROOT,
  ServerProcess,
  startBuiltServer,
  stopProcess,
} from '../support/server-processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const run = promisify(execFile);
const CLIENT = join(REPOSITORY_ROOT, 'libs/client');
/** The package's dependencies, packed from node_modules: tests do not reach the npm registry. */
const DEPENDENCIES = ['ws', '@sinclair/typebox'];

describe('the @chat/client package', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let workDir: string;
  let appDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startBuiltServer(database.url);
    workDir = await mkdtemp(join(tmpdir(), 'chat-client-package-'));
    appDir = join(workDir, 'app');
    await mkdir(appDir);
  }, 120_000);

  afterAll(async () => {
    if (server) await stopProcess(server.server);
    await database?.drop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('packs its build, README and manifest only, and installs alone with ws', async () => {
    await run('npm', ['run', 'build:client'], { cwd: REPOSITORY_ROOT });
    const packed = await run('npm', ['pack', '--json', '--pack-destination', workDir], {
      cwd: CLIENT,
    });
    const [{ filename, files }] = JSON.parse(packed.stdout) as {
      filename: string;
      files: { path: string }[];
    }[];
    expect(files.map((file) => file.path).sort()).toEqual([
      'README.md',
      'dist/index.d.mts',
      'dist/index.mjs',
      'package.json',
    ]);
    const dependencies = [];
    for (const name of DEPENDENCIES) {
      const dependency = await run(
        'npm',
        ['pack', '--json', '--pack-destination', workDir, `./node_modules/${name}`],
        {
          cwd: REPOSITORY_ROOT,
        },
      );
      dependencies.push((JSON.parse(dependency.stdout) as { filename: string }[])[0].filename);
    }
    await writeFile(
      join(appDir, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    const tarballs = [filename, ...dependencies].map((name) => join(workDir, name));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...tarballs], {
      cwd: appDir,
    });
    const installed = JSON.parse(
      (await run('npm', ['ls', '--all', '--json'], { cwd: appDir })).stdout,
    ) as { dependencies: Record<string, { dependencies?: object }> };
    expect(Object.keys(installed.dependencies).sort()).toEqual([
      '@chat/client',
      '@sinclair/typebox',
      'ws',
    ]);
  }, 180_000);

  it('runs its README example for a Node bot against a running server', async () => {
    const readme = await readFile(join(CLIENT, 'README.md'), 'utf8');
    const nodeSection = readme.slice(readme.indexOf('## A Node bot'));
    const example = /```js\n([\s\S]*?)```/.exec(nodeSection)![1];
    await writeFile(join(appDir, 'bot.mjs'), example);
    const user = await createUser({ http: request(server.baseUrl) });

    const { stdout } = await run(process.execPath, ['bot.mjs'], {
      cwd: appDir,
      timeout: 30_000,
      env: {
        ...process.env,
        CHAT_URL: server.baseUrl,
        CHAT_NAME: user.name,
        CHAT_PASSWORD: user.password,
      },
    });

    expect(stdout).toContain(`user ${user.id} is in 1 room(s)`);
    const stored = /stored as message (\d+), seq (\d+) in room 1/.exec(stdout);
    expect(stored).not.toBeNull();
    const message = await request(server.baseUrl)
      .get(`/api/v1/messages/${stored![1]}`)
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    expect(message.body).toMatchObject({
      user_id: user.id,
      message: 'Hello from a Node bot',
      seq: Number(stored![2]),
    });
    // The example's own listener saw its message come back on the socket.
    expect(stdout).toContain(`#1 ${user.name}: Hello from a Node bot`);
  }, 60_000);

  it('type-checks an app that imports it, with its own declarations', async () => {
    await writeFile(
      join(appDir, 'app.ts'),
      [
        "import { ChatClient, ChatApiError, type MessageNewFrame } from '@chat/client';",
        "const chat = new ChatClient({ url: 'http://localhost:8000', token: () => 'token' });",
        "chat.on('message.new', (frame: MessageNewFrame) => frame.message.seq.toFixed());",
        "chat.send(1, 'hi').then((message) => message.message_id.toFixed());",
        'export const isApiError = (error: unknown) => error instanceof ChatApiError && error.status;',
        '',
      ].join('\n'),
    );
    const tsc = join(REPOSITORY_ROOT, 'node_modules/typescript/bin/tsc');
    const options = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--target',
      'es2022',
      '--lib',
      'es2022,dom',
    ];
    await expect(
      run(process.execPath, [tsc, ...options, 'app.ts'], { cwd: appDir }),
    ).resolves.toBeDefined();
  }, 60_000);
});
