import type { Express } from 'express';
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6, Socket } from 'node:net';
import proxyAddr from 'proxy-addr';

/**
 * The client's address of an upgrade request, which never passes through Express, worked out as
 * Express's `req.ip` is: with the rule Express compiled from its "trust proxy" setting. Undefined
 * once the connection is gone (a reset leaves no peer to name).
 */
export function clientAddress(app: Express, request: IncomingMessage): string | undefined {
  // The request's headers with the peer's address, read without Node caching it on the socket.
  const view = { headers: request.headers, socket: { remoteAddress: peerAddress(request.socket) } };
  if (view.socket.remoteAddress === undefined) return undefined;
  return proxyAddr(
    view as unknown as IncomingMessage,
    app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1],
  );
}

interface PeerNameHandle {
  getpeername?(out: { address?: string }): number;
}

/**
 * The address of the socket's peer. `socket.remoteAddress` keeps what it read on the socket for
 * good (an object, its strings and a property the socket has not otherwise: some 130 bytes per
 * idle socket); the TCP handle's own getpeername, which it calls, keeps nothing. Falls back to
 * `remoteAddress` on a socket without that handle.
 */
export function peerAddress(socket: Socket): string | undefined {
  const handle = (socket as unknown as { _handle?: PeerNameHandle | null })._handle;
  const out: { address?: string } = {};
  if (typeof handle?.getpeername === 'function' && handle.getpeername(out) === 0) {
    return out.address;
  }
  return socket.remoteAddress;
}

/**
 * What the per-address socket cap counts an address under: an IPv4 address as it is (also when
 * it arrives IPv4-mapped, ::ffff:a.b.c.d), an IPv6 address by its /64, the smallest network one
 * subscriber gets; anything else as it is.
 */
export function addressKey(address: string): string {
  const ip = address.split('%')[0]; // without an IPv6 zone
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return address;
  const groups = hextets(ip);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address. */
function hextets(address: string): number[] {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  let text = address;
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number);
    text = `${address.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const [head, rest] = text.split('::');
  if (rest === undefined) return parse(head);
  const left = parse(head);
  const right = parse(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
