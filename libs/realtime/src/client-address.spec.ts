import fc from 'fast-check';
import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { addressKey, peerAddress } from './client-address';

describe('addressKey', () => {
  it.each([
    ['an IPv4 address', '198.51.100.7', '198.51.100.7'],
    ['an IPv4-mapped IPv6 address', '::ffff:198.51.100.7', '198.51.100.7'],
    ['an IPv4-mapped address in hex', '::ffff:c633:6407', '198.51.100.7'],
    ['a full IPv6 address', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['a compressed IPv6 address', '2001:db8::1', '2001:db8:0:0::/64'],
    ['loopback', '::1', '0:0:0:0::/64'],
    ['upper case and leading zeros', '2001:0DB8:0001:0002::ABCD', '2001:db8:1:2::/64'],
    ['a zone', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['an embedded IPv4 tail', '64:ff9b::198.51.100.7', '64:ff9b:0:0::/64'],
    ['something else', 'unknown', 'unknown'],
  ])('keys %s', (_case, address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  const hextet = fc.integer({ min: 0, max: 0xffff });
  const hex = (n: number) => n.toString(16);

  it('gives every address of one /64 the same key, and different /64s different keys', () => {
    fc.assert(
      fc.property(
        fc.array(hextet, { minLength: 8, maxLength: 8 }),
        fc.array(hextet, { minLength: 4, maxLength: 4 }),
        (groups, otherInterface) => {
          fc.pre(!(groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff));
          const address = groups.map(hex).join(':');
          const sameNetwork = [...groups.slice(0, 4), ...otherInterface].map(hex).join(':');
          expect(addressKey(sameNetwork)).toBe(addressKey(address));
          const otherNetwork = [
            ...groups.slice(0, 3),
            (groups[3] + 1) % 0x10000,
            ...groups.slice(4),
          ]
            .map(hex)
            .join(':');
          expect(addressKey(otherNetwork)).not.toBe(addressKey(address));
        },
      ),
    );
  });

  it('keys an IPv4 address the same however it arrives', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(addressKey(address)).toBe(address);
        expect(addressKey(`::ffff:${address}`)).toBe(address);
      }),
    );
  });
});

describe('peerAddress', () => {
  let server: Server;
  let client: Socket;

  afterEach(async () => {
    client?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("reads the peer's address as remoteAddress does, without keeping it on the socket", async () => {
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer(resolve);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new Socket().connect((server.address() as AddressInfo).port, '127.0.0.1');
    const socket = await accepted;
    expect(peerAddress(socket)).toBe('127.0.0.1');
    expect(Object.keys(socket)).not.toContain('_peername');
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
  });

  it('falls back to remoteAddress on a socket without a TCP handle', () => {
    server = createServer();
    const socket = { _handle: null, remoteAddress: '198.51.100.7' } as unknown as Socket;
    expect(peerAddress(socket)).toBe('198.51.100.7');
  });
});
