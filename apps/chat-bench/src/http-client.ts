import { Agent, request } from 'node:http';

/** Registers `count` users on the chat server and logs each in; returns their tokens. */
export async function registerAndLogIn(httpUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ name: `bench-${process.pid}-${i}`, password: 'bench password' });
    const headers = { 'content-type': 'application/json' };
    await fetch(`${httpUrl}/auth/register-user`, { method: 'POST', headers, body });
    const login = await fetch(`${httpUrl}/user/login`, { method: 'POST', headers, body });
    tokens.push(((await login.json()) as { token: string }).token);
  }
  return tokens;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive connection (lighter on the client than fetch); fails unless 200. */
export function httpRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: object,
): Promise<void> {
  const payload = body ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      { method, agent: keepAlive, headers: payload ? { 'content-type': 'application/json' } : {} },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`${path}: ${response.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
