import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AppConfig } from '@chat/config';

/** The page may load only its own scripts, styles and connections, and never be framed. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the browser client built by `npm run build` (apps/web-client) at `/`. Its assets have
 * content hashes in their names and are cached for good; index.html is checked on every visit.
 */
export function serveWebClient(app: NestExpressApplication, config: AppConfig): void {
  const dir = resolve(config.webClientDir);
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('WebClient').warn(`No web client in ${dir}: run "npm run build" to serve it at /`);
    return;
  }
  app.useStaticAssets(dir, {
    index: 'index.html',
    redirect: false,
    dotfiles: 'ignore',
    setHeaders: (response: ServerResponse, path: string) => {
      if (basename(path) === 'index.html') {
        response.setHeader('Cache-Control', 'no-cache');
        response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      } else {
        response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      }
    },
  });
}
