import { Agent, request } from 'node:http';
import { ChatHttp } from '@chat/client';

/** Registers `count` users on the chat server (through the SDK) and logs each in; their tokens. */
export async function registerAndLogIn(httpUrl: string, count: number): Promise<string[]> {
  const http = new ChatHttp({ url: httpUrl });
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-${process.pid}-${i}`;
    await http.register(name, 'bench password');
    tokens.push((await http.login(name, 'bench password')).token);
  }
  return tokens;
}

/*
 * The measured requests keep a thin path: node:http over one kept-alive connection, lighter on
 * the load generator than fetch (and so than the SDK's helpers), whose own cost would enter the
 * latency figures.
 */
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
/** A request unanswered this long fails the run rather than hang it. */
const ANSWER_TIMEOUT_MS = 10_000;

/** One request over the kept-alive connection; fails unless 200 within ANSWER_TIMEOUT_MS. */
export function httpRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: object,
  headers: Record<string, string> = {},
): Promise<void> {
  const payload = body ? JSON.stringify(body) : undefined;
  const contentType: Record<string, string> = payload ? { 'content-type': 'application/json' } : {};
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      { method, agent: keepAlive, headers: { ...contentType, ...headers } },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`${path}: ${response.statusCode}`)),
        );
      },
    );
    req.setTimeout(ANSWER_TIMEOUT_MS, () =>
      req.destroy(new Error(`${path}: no answer in ${ANSWER_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}
