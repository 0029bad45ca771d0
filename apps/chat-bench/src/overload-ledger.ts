/**
 * Which of messages 0..capacity-1 reached each of `sockets` sockets, one bit each, so that every
 * acknowledged message can be looked for at every socket after an overload step.
 */
export class OverloadLedger {
  private readonly bits: Uint8Array;
  private readonly bytesPerSocket: number;
  /** Arrivals of a message the socket did not have yet. */
  delivered = 0;
  /** Arrivals of a message the socket already had. */
  duplicates = 0;
  /** Arrivals of a message numbered outside 0..capacity-1 (none was sent). */
  outOfRange = 0;

  constructor(
    readonly sockets: number,
    readonly capacity: number,
  ) {
    this.bytesPerSocket = Math.ceil(capacity / 8);
    this.bits = new Uint8Array(sockets * this.bytesPerSocket);
  }

  record(socket: number, message: number): void {
    if (message < 0 || message >= this.capacity) {
      this.outOfRange++;
      return;
    }
    const byte = socket * this.bytesPerSocket + (message >> 3);
    const bit = 1 << (message & 7);
    if (this.bits[byte] & bit) {
      this.duplicates++;
      return;
    }
    this.bits[byte] |= bit;
    this.delivered++;
  }

  has(socket: number, message: number): boolean {
    return (this.bits[socket * this.bytesPerSocket + (message >> 3)] & (1 << (message & 7))) !== 0;
  }

  /** Over every socket, the messages of `acked` it never received. */
  missing(acked: number[]): number {
    let missing = 0;
    for (const message of acked) {
      for (let socket = 0; socket < this.sockets; socket++) {
        if (!this.has(socket, message)) missing++;
      }
    }
    return missing;
  }

  /** The sockets that lack at least one message of `acked`. */
  socketsMissing(acked: number[]): number {
    let count = 0;
    for (let socket = 0; socket < this.sockets; socket++) {
      if (acked.some((message) => !this.has(socket, message))) count++;
    }
    return count;
  }
}
