import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export type ClientAddressOf = (request: IncomingMessage) => string;

/**
 * The client's address as Express's `req.ip` tells it under the same TRUST_PROXY setting, for
 * upgrade requests, which never pass through Express.
 */
export function clientAddressResolver(trustProxy: boolean | number | string): ClientAddressOf {
  const trust = compileTrust(trustProxy);
  return (request) => proxyAddr(request, trust);
}

function compileTrust(value: boolean | number | string): (address: string, hop: number) => boolean {
  if (typeof value === 'boolean') return () => value;
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return proxyAddr.compile(value.split(',').map((entry) => entry.trim()));
}
