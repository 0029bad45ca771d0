import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { RequestResults } from '@chat/protocol';
import { ReadMarkers } from '@chat/rooms';

/** `read {room_id, seq}`: the caller's read marker, as POST /api/v1/rooms/:id/read moves it. */
@Injectable()
export class ReadFrames {
  constructor(private readonly markers: ReadMarkers) {}

  read(caller: AuthUser, frame: { roomId: number; seq: number }): Promise<RequestResults['read']> {
    return this.markers.read(caller, frame.roomId, frame.seq);
  }
}
