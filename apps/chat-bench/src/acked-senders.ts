import { WebSocket } from 'ws';
import { ACKED_PROTOCOL, authFrame, readReply } from './acked-wire';

const AUTH_TIMEOUT_MS = 10_000;

/**
 * Opens one chat.v2 socket per token and authenticates it; each resolves once the server has
 * acknowledged its auth frame, and from then on hands every frame to `onFrame(index, frame)`.
 */
export function openAckedSenders(
  wsUrl: string,
  tokens: string[],
  onFrame: (index: number, frame: Buffer) => void,
): Promise<WebSocket[]> {
  return Promise.all(tokens.map((token, index) => signIn(wsUrl, token, index, onFrame)));
}

function signIn(
  wsUrl: string,
  token: string,
  index: number,
  onFrame: (index: number, frame: Buffer) => void,
): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl, ACKED_PROTOCOL, { perMessageDeflate: false });
  return new Promise<WebSocket>((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timeout);
      socket.terminate();
      reject(error);
    };
    const timeout = setTimeout(
      () => fail(new Error(`sender ${index}: no answer to auth`)),
      AUTH_TIMEOUT_MS,
    );
    const answer = (frame: Buffer) => {
      const reply = readReply(frame);
      if (reply?.kind === 'error') return fail(new Error(`sender ${index}: ${frame.toString()}`));
      if (reply?.kind !== 'ack') return; // a room.added or presence frame before the ack
      clearTimeout(timeout);
      socket.off('message', answer);
      socket.off('error', fail);
      socket.on('message', (data: Buffer) => onFrame(index, data));
      resolve(socket);
    };
    socket.once('open', () => socket.send(authFrame(token)));
    socket.once('error', fail);
    socket.on('message', answer);
  });
}
