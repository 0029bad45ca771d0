// `npm run test:deploy`: the deployment suite (nginx and Prometheus from Debian, the built server).
const { shared, withDatabase } = require('./tools/jest/shared-config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  ...withDatabase,
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.cjs'],
  roots: ['<rootDir>/apps/chat-server/test/deploy'],
  testRegex: '\\.e2e-spec\\.ts$',
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
