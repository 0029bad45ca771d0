// `npm run test:browser`: the web client in headless Chromium (Debian's package) against the
// real server.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/apps/chat-server/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
