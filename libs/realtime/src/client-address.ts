import type { Express } from 'express';
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The client's address of an upgrade request, which never passes through Express, worked out as
 * Express's `req.ip` is: with the rule Express compiled from its "trust proxy" setting.
 */
export function clientAddress(app: Express, request: IncomingMessage): string {
  return proxyAddr(request, app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1]);
}
