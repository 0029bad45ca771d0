import { RoomMessage } from '@chat/client';
import { SdkMember, SdkMembers, within } from './sdk-members';

/** One `client.send` of the burst and how its promise settled. */
export interface SentMessage {
  member: SdkMember;
  roomId: number;
  clientId: string;
  resolved?: RoomMessage;
  rejected?: unknown;
  /** When the promise resolved (ms since the epoch). */
  acknowledgedAt?: number;
}

/**
 * Every member sends `perRoom` messages to every room at once through `client.send` (the SDK
 * queues them and sends one at a time per room), each with a client_id of its own.
 */
export class SdkBurst {
  readonly sent: SentMessage[] = [];

  constructor(
    readonly tag: string,
    crowd: SdkMembers,
    perRoom: number,
  ) {
    crowd.members.forEach((member, m) => {
      for (const roomId of crowd.roomIds) {
        for (let i = 0; i < perRoom; i++) {
          const entry: SentMessage = { member, roomId, clientId: `${tag}-${m}-${roomId}-${i}` };
          this.sent.push(entry);
          const text = `${tag} message ${i} from member ${m}`;
          member.client.send(roomId, text, { clientId: entry.clientId }).then(
            (message) => {
              entry.resolved = message;
              entry.acknowledgedAt = Date.now();
            },
            (error: unknown) => (entry.rejected = error),
          );
        }
      }
    });
  }

  get acknowledged(): number {
    return this.sent.filter((entry) => entry.resolved).length;
  }

  get unsettled(): number {
    return this.sent.filter((entry) => !entry.resolved && entry.rejected === undefined).length;
  }

  /** Waits until `count` sends are acknowledged; throws after `timeoutMs`. */
  async untilAcknowledged(count: number, timeoutMs: number): Promise<void> {
    if (!(await within(timeoutMs, () => this.acknowledged >= count))) {
      throw new Error(`${this.acknowledged} of ${count} sends acknowledged in ${timeoutMs} ms`);
    }
  }

  /** Waits (up to `timeoutMs`) until every send resolved or rejected. */
  untilSettled(timeoutMs: number): Promise<boolean> {
    return within(timeoutMs, () => this.unsettled === 0);
  }

  /** Seconds from `since` until the first send acknowledged after it, if any was. */
  recoverySecondsAfter(since: number): number | undefined {
    const times = this.sent.map((entry) => entry.acknowledgedAt ?? 0).filter((at) => at > since);
    return times.length === 0 ? undefined : (Math.min(...times) - since) / 1000;
  }
}
