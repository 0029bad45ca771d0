/**
 * One room's changes as a socket has them: `last`, the number up to which it has every one (where
 * a resume starts), and those that came past a gap (live changes that overtook a resume's replay),
 * held until it fills.
 */
export class SeqCursor {
  last = 0;
  private readonly ahead = new Set<number>();

  /** Has every change up to `seq` (the auth's answer says so); then every held one after it. */
  startAt(seq: number): void {
    this.last = seq;
    for (const held of this.ahead) if (held <= seq) this.ahead.delete(held);
    while (this.ahead.delete(this.last + 1)) this.last++;
  }

  /** Takes the change numbered `seq`; false when the socket had it already. */
  receive(seq: number): boolean {
    if (seq <= this.last || this.ahead.has(seq)) return false;
    this.ahead.add(seq);
    this.startAt(this.last);
    return true;
  }
}
