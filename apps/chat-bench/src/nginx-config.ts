import { join } from 'node:path';

/** Where the bench runs the project's nginx: its own loopback port, upstreams and work directory. */
export interface NginxPlacement {
  listenPort: number;
  /** The chat instances' ports, in the order of the configuration's app1, app2. */
  upstreamPorts: number[];
  /** A port nothing listens on, for the Grafana upstream the bench does not use. */
  unusedPort: number;
  workDir: string;
}

/** The temporary files' directives Debian's build points at /var/lib/nginx; here in workDir. */
const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * The project's docker/nginx/nginx.conf rewritten only where the bench must: the upstream servers'
 * and the listen address, the access log's file, and the temporary files' directories. Throws when
 * the configuration no longer has one of the lines it rewrites, so a change there is not measured
 * silently against Docker's host names.
 */
export function nginxConfigFor(template: string, placement: NginxPlacement): string {
  const { listenPort, upstreamPorts, unusedPort, workDir } = placement;
  const rewrites: [string, string][] = [
    ...upstreamPorts.map((port, i): [string, string] => [
      `server app${i + 1}:8000`,
      `server 127.0.0.1:${port}`,
    ]),
    ['server grafana:3000', `server 127.0.0.1:${unusedPort}`],
    ['listen 80;', `listen 127.0.0.1:${listenPort};`],
    ['access_log /dev/stdout chat;', `access_log ${join(workDir, 'access.log')} chat;`],
    [
      'http {',
      [
        'http {',
        ...TEMP_PATHS.map((kind) => `  ${kind}_temp_path ${join(workDir, `${kind}_temp`)};`),
      ].join('\n'),
    ],
  ];
  let config = template;
  for (const [from, to] of rewrites) {
    if (!config.includes(from)) throw new Error(`nginx.conf has no "${from}" to rewrite`);
    config = config.replace(from, to);
  }
  const left = /app\d+:8000|grafana:3000|listen 80;|\/dev\/stdout/.exec(config);
  if (left) throw new Error(`nginx.conf still names "${left[0]}" after the rewrite`);
  return config;
}

/**
 * How many proxied WebSockets one nginx worker holds: each is two of its worker_connections (the
 * client's and the upstream's), and nothing makes the workers share the sockets evenly.
 */
export function socketsPerWorker(config: string): number {
  const match = /^\s*worker_connections\s+(\d+)\s*;/m.exec(config);
  if (!match) throw new Error('nginx.conf sets no worker_connections');
  return Math.floor(Number(match[1]) / 2);
}
