// `npm run test:faults`: outages, crashes and abuse against real PostgreSQL, Redis and server
// processes; writes RELIABILITY.md.
const { shared } = require('./tools/jest/shared-config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.cjs'],
  roots: ['<rootDir>/apps/chat-server/test/faults'],
  testRegex: '\\.e2e-spec\\.ts$',
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/apps/chat-server/test/faults/global-setup.ts',
  globalTeardown: '<rootDir>/apps/chat-server/test/faults/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
