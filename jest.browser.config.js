// `npm run test:browser`: the web client in headless Chromium (Debian's package) against the
// real server.
const { shared, withDatabase } = require('./tools/jest/shared-config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  ...withDatabase,
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.cjs'],
  roots: ['<rootDir>/apps/chat-server/test/browser'],
  testRegex: '\\.e2e-spec\\.ts$',
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
