// `npm run test:faults`: outages, crashes and abuse against real PostgreSQL, Redis and server
// processes; writes RELIABILITY.md.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/apps/chat-server/test/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/apps/chat-server/test/faults/global-setup.ts',
  globalTeardown: '<rootDir>/apps/chat-server/test/faults/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
