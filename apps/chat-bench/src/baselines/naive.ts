// Baseline "naive": a bare ws broadcast server (no auth, no database, no validation) doing what
// most apps do: one JSON.stringify per message, then client.send(string) per client. It also
// answers any plain HTTP request with a small JSON body: the bare-HTTP baseline for history pages.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const http = createServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end('[]');
});
const server = new WebSocketServer({ server: http, path: '/ws' });
let nextId = 1;

server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const { message } = JSON.parse(data.toString()) as { message: string };
    const frame = JSON.stringify({ message_id: nextId++, message });
    for (const client of server.clients) client.send(frame);
  });
});
http.listen(port, '127.0.0.1', () => process.send?.('ready'));
