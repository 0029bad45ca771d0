import { TestUser } from './factories';
import { V2Client } from './v2-client';

/**
 * One user on one server through a chat.v2 socket (a V2Client), for load: sends without waiting
 * and keeps what each send was acknowledged with, and reads back what each room brought it.
 */
export class V2RoomPeer {
  /** client_id → message id, for each message.send acknowledged. */
  readonly acknowledged = new Map<string, number>();

  private constructor(
    readonly user: TestUser,
    private readonly client: V2Client,
  ) {}

  static async connect(user: TestUser, baseUrl: string): Promise<V2RoomPeer> {
    return new V2RoomPeer(user, await V2Client.connect(baseUrl, user));
  }

  /** Sends a message (again, with the same client_id, if unacknowledged); does not wait. */
  send(roomId: number, clientId: string, text: string): void {
    if (this.acknowledged.has(clientId) || !this.client.isOpen) return;
    this.client
      .request({ type: 'message.send', room_id: roomId, text, client_id: clientId })
      .then((answer) => {
        if (answer.type === 'ack') this.acknowledged.set(clientId, answer.message.message_id);
      })
      .catch(() => undefined); // unanswered: sent again by the test
  }

  /** Every number the room's frames carried, in arrival order. */
  seqsIn(roomId: number): number[] {
    return this.client.roomFrames(roomId).map((frame) => frame.seq as number);
  }

  /** The ids of the room's messages received, in arrival order. */
  messageIdsIn(roomId: number): number[] {
    return this.client
      .roomFrames(roomId)
      .filter((frame) => frame.type === 'message.new')
      .map((frame) => frame.message.message_id as number);
  }

  close(): void {
    this.client.close();
  }
}
