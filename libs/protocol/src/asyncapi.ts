import { TSchema } from '@sinclair/typebox';
import { CLIENT_FRAME_SCHEMAS, PROTOCOL_VERSION } from './client-frames';
import { SERVER_FRAME_SCHEMAS } from './server-frames';

/** Where the document says the socket is; the server fills in the host it answers on. */
export interface AsyncApiServer {
  host: string;
  protocol: 'ws' | 'wss';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The chat.v2 socket as an AsyncAPI 3.0 document, built from the same schemas the server and the
 * SDK check frames with, so the description cannot drift from either.
 */
export function asyncApiDocument(server: AsyncApiServer): Record<string, Json> {
  const messages: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const channelMessages: Record<string, Json> = {};
  const add = (schema: TSchema, action: 'send' | 'receive') => {
    const name = schema.$id as string;
    messages[name] = {
      name,
      title: name,
      summary: (schema.description as string | undefined) ?? name,
      payload: payloadOf(schema),
    };
    channelMessages[name] = { $ref: `#/components/messages/${name}` };
    operations[`${action}.${name}`] = {
      action,
      channel: { $ref: '#/channels/chat' },
      messages: [{ $ref: `#/channels/chat/messages/${name}` }],
    };
  };
  for (const schema of CLIENT_FRAME_SCHEMAS) add(schema, 'send');
  for (const schema of SERVER_FRAME_SCHEMAS) add(schema, 'receive');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Real-time chat socket, chat.v2',
      version: PROTOCOL_VERSION,
      description:
        'The chat.v2 WebSocket: open /ws with the subprotocol chat.v2 and send auth first. ' +
        'Every frame is a JSON object with a type; a client frame may carry req, answered by ack ' +
        'or error with the same req. The prose is docs/protocol.md in the repository.',
    },
    defaultContentType: 'application/json',
    servers: { chat: { host: server.host, protocol: server.protocol, pathname: '/ws' } },
    channels: {
      chat: {
        address: '/ws',
        title: 'The chat.v2 socket',
        messages: channelMessages,
        bindings: {
          ws: { method: 'GET', bindingVersion: '0.1.0' },
        },
      },
    },
    operations,
    components: { messages },
  };
}

/** The schema as plain JSON, its TypeBox ids turned into titles (ids repeat across payloads). */
function payloadOf(schema: TSchema): Json {
  const strip = (value: unknown): Json => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value as Json;
    const out: Record<string, Json> = {};
    for (const [key, field] of Object.entries(value)) {
      if (key === '$id') out.title ??= field as string;
      else out[key] = strip(field);
    }
    return out;
  };
  return strip(schema);
}
