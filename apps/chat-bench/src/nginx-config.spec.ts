import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxConfigFor, socketsPerWorker } from './nginx-config';

const PROJECT_CONFIG = readFileSync(join(__dirname, '../../../docker/nginx/nginx.conf'), 'utf8');
const placement = {
  listenPort: 18080,
  upstreamPorts: [31001, 31002],
  unusedPort: 31003,
  workDir: '/tmp/chat-bench-nginx-x',
};

describe('the project nginx.conf placed for the bench', () => {
  const config = nginxConfigFor(PROJECT_CONFIG, placement);

  it('points the chat upstream at the two instances and listens on loopback only', () => {
    expect(config).toMatch(
      /upstream chat \{\s*server 127\.0\.0\.1:31001 max_fails=3 fail_timeout=10s;\s*server 127\.0\.0\.1:31002 max_fails=3 fail_timeout=10s;/,
    );
    expect(config).toContain('listen 127.0.0.1:18080;');
    expect(config).not.toMatch(/listen 80;|app\d:8000|grafana:3000/);
  });

  it('writes its logs and temporary files in the work directory', () => {
    expect(config).toContain('access_log /tmp/chat-bench-nginx-x/access.log chat;');
    expect(config).toContain('proxy_temp_path /tmp/chat-bench-nginx-x/proxy_temp;');
    expect(config).toContain('client_body_temp_path /tmp/chat-bench-nginx-x/client_body_temp;');
    expect(config).not.toContain('/dev/stdout');
  });

  it('keeps every other line of the project configuration as it is', () => {
    const rewritten = /app\d:8000|grafana:3000|listen 80;|access_log|^http \{$/;
    const kept = PROJECT_CONFIG.split('\n').filter((line) => !rewritten.test(line.trim()));
    for (const line of kept) expect(config.split('\n')).toContain(line);
  });

  it('refuses a configuration that no longer has a line it rewrites', () => {
    const renamed = PROJECT_CONFIG.replace('server app2:8000', 'server chat2:8000');
    expect(() => nginxConfigFor(renamed, placement)).toThrow('server app2:8000');
  });

  it('counts a proxied socket as two of a worker connections', () => {
    expect(socketsPerWorker('events {\n  worker_connections 8192;\n}')).toBe(4096);
    expect(() => socketsPerWorker('events {}')).toThrow('worker_connections');
  });
});
