import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
 * Serves the browser client built by `npm run build` (apps/web-client): index.html at `/`, checked
 * on every visit, and its assets under `/assets`, which have content hashes in their names and are
 * cached for good. Nothing else is looked up on disk, so API requests never wait for a file check.
 */
export function serveWebClient(app: NestExpressApplication, config: AppConfig): void {
  const dir = resolve(config.webClientDir);
  const page = join(dir, 'index.html');
  if (!existsSync(page)) {
    new Logger('WebClient').warn(`No web client in ${dir}: run "npm run build" to serve it at /`);
    return;
  }
  app.useStaticAssets(join(dir, 'assets'), {
    prefix: '/assets',
    redirect: false,
    dotfiles: 'ignore',
    immutable: true,
    maxAge: '1y',
  });
  const headers = {
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  };
  const express = app.getHttpAdapter().getInstance() as Express;
  express.get(['/', '/index.html'], (_request, response) => response.sendFile(page, { headers }));
}
