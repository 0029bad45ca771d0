import { schemas } from '@asyncapi/specs';
import Ajv from 'ajv';
import { asyncApiDocument } from './asyncapi';
import { CLIENT_FRAME_SCHEMAS } from './client-frames';
import { SERVER_FRAME_SCHEMAS } from './server-frames';

describe('asyncApiDocument', () => {
  const document = asyncApiDocument({ host: 'chat.example:443', protocol: 'wss' });

  it('is a valid AsyncAPI 3.0 document', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false });
    const validate = ajv.compile(schemas['3.0.0']);
    expect(validate(JSON.parse(JSON.stringify(document)))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('describes every client frame as sent and every server frame as received', () => {
    const operations = document.operations as Record<string, { action: string }>;
    for (const schema of CLIENT_FRAME_SCHEMAS) {
      expect(operations[`send.${schema.$id}`]).toMatchObject({ action: 'send' });
    }
    for (const schema of SERVER_FRAME_SCHEMAS) {
      expect(operations[`receive.${schema.$id}`]).toMatchObject({ action: 'receive' });
    }
    expect(Object.keys(operations)).toHaveLength(
      CLIENT_FRAME_SCHEMAS.length + SERVER_FRAME_SCHEMAS.length,
    );
  });

  it('carries each frame schema as its payload, with nested shapes inline', () => {
    const messages = (document.components as { messages: Record<string, { payload: unknown }> })
      .messages;
    expect(messages['message.new'].payload).toMatchObject({
      title: 'message.new',
      required: expect.arrayContaining(['type', 'room_id', 'seq', 'message']),
      properties: {
        type: { const: 'message.new' },
        message: { title: 'RoomMessage', required: expect.arrayContaining(['seq', 'edited_at']) },
      },
    });
    expect(document.servers).toEqual({
      chat: { host: 'chat.example:443', protocol: 'wss', pathname: '/ws' },
    });
  });
});
