import type { WebSocket } from 'ws';

/**
 * Lets go of the network read the socket's last frame came in. ws keeps the mask of the last
 * frame it received until the next one: four bytes, but a view on the whole chunk read with them,
 * so an idle socket keeps its last frame (for a v2 socket, its auth frame and token) with some
 * 400 bytes in all. Called once the frame is out of ws (its 'message' or 'pong'), when ws no
 * longer reads the mask: the next frame brings its own. Reaches into ws 8's Receiver, which has
 * no public way to do this; a ws without that field is left as it is.
 */
export function releaseReceivedFrame(socket: WebSocket): void {
  const receiver = (socket as unknown as { _receiver?: { _mask?: Buffer } })._receiver;
  if (receiver && '_mask' in receiver) receiver._mask = undefined;
}
