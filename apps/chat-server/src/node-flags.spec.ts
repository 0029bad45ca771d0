import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from './node-flags';

const REPOSITORY = join(__dirname, '../../..');
const MAIN = 'dist/apps/chat-server/apps/chat-server/src/main.js';

describe('the server is started with its V8 flags everywhere', () => {
  it('by npm start', () => {
    const { scripts } = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8'));
    expect(scripts.start).toContain(`node ${[...SERVER_NODE_FLAGS, MAIN].join(' ')}`);
  });

  it("by the Docker image's CMD", () => {
    const dockerfile = readFileSync(join(REPOSITORY, 'docker/Dockerfile'), 'utf8');
    const cmd = dockerfile.split('\n').find((line) => line.startsWith('CMD '));
    expect(JSON.parse(cmd!.slice('CMD '.length))).toEqual(['node', ...SERVER_NODE_FLAGS, MAIN]);
  });
});
