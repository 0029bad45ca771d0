/** How one broadcast reached the sockets. */
export interface BroadcastDelivery {
  /** Sockets that received it at least once. */
  delivered: number;
  /** Sockets that never received it. */
  missing: number;
  /** Receptions after a socket's first of it (a resume must not replay what arrived live). */
  duplicates: number;
  /** From its sending to the last socket's first reception, in ms (NaN when none arrived). */
  lastDeliveryMs: number;
}

interface Broadcast {
  sentAt: number;
  counts: Uint16Array;
  delivered: number;
  lastAt: number;
}

/** Which socket received which of the bench's broadcasts (told apart by text), how many times. */
export class BroadcastLedger {
  private readonly broadcasts = new Map<string, Broadcast>();

  constructor(private readonly sockets: number) {}

  /** A broadcast about to be sent with this text; texts the ledger was not told of are ignored. */
  expect(text: string, sentAt: number): void {
    const counts = new Uint16Array(this.sockets);
    this.broadcasts.set(text, { sentAt, counts, delivered: 0, lastAt: NaN });
  }

  record(socket: number, text: string, at: number): void {
    const broadcast = this.broadcasts.get(text);
    if (!broadcast || socket < 0 || socket >= this.sockets) return;
    if (broadcast.counts[socket] === 0) {
      broadcast.delivered++;
      broadcast.lastAt = at;
    }
    broadcast.counts[socket] = Math.min(broadcast.counts[socket] + 1, 0xffff);
  }

  /** Sockets that have received the broadcast so far. */
  received(text: string): number {
    return this.broadcastOf(text).delivered;
  }

  delivery(text: string): BroadcastDelivery {
    const { sentAt, counts, delivered, lastAt } = this.broadcastOf(text);
    return {
      delivered,
      missing: this.sockets - delivered,
      duplicates: counts.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
      lastDeliveryMs: lastAt - sentAt,
    };
  }

  private broadcastOf(text: string): Broadcast {
    const broadcast = this.broadcasts.get(text);
    if (!broadcast) throw new Error(`the ledger was not told of "${text}"`);
    return broadcast;
  }
}
