import { ChatHttp } from '@chat/client';

/** Registrations in flight at once (bcrypt on a shared 2-core host). */
const PARALLEL = 8;
const PASSWORD = 'bench password';

/** Registers `count` users through `httpUrl` (the SDK's helpers) and logs each in; their tokens. */
export async function registerStackUsers(httpUrl: string, count: number): Promise<string[]> {
  const http = new ChatHttp({ url: httpUrl });
  const tokens = new Array<string>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const name = `bench-${process.pid}-stack-${i}`;
      await http.register(name, PASSWORD);
      tokens[i] = (await http.login(name, PASSWORD)).token;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, count) }, worker));
  return tokens;
}
