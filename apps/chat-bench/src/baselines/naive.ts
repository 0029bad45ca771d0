// Baseline "naive": a bare ws broadcast server (no auth, no database, no validation) doing what
// most apps do: one JSON.stringify per message, then client.send(string) per client.
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const server = new WebSocketServer({ port, host: '127.0.0.1', path: '/ws' });
let nextId = 1;

server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const { message } = JSON.parse(data.toString()) as { message: string };
    const frame = JSON.stringify({ message_id: nextId++, message });
    for (const client of server.clients) client.send(frame);
  });
});
server.on('listening', () => process.send?.('ready'));
