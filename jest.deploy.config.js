// `npm run test:deploy`: the deployment suite (nginx and Prometheus from Debian, the built server).
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/apps/chat-server/test/deploy'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
