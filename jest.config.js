// `npm test` runs three tiers, each a Jest project:
// - unit: `*.spec.ts` beside the code, pure rules with nothing outside the process;
// - medium: `test/medium/*.medium-spec.ts`, services and repositories against the real
//   PostgreSQL (and Redis) without HTTP;
// - e2e: `test/*.e2e-spec.ts`, the real HTTP server and real WebSocket clients.
// The deployment, fault and browser suites have their own commands (test:deploy, test:faults,
// test:browser).
const { shared, withDatabase } = require('./tools/jest/shared-config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testRegex: '\\.spec\\.ts$',
      testPathIgnorePatterns: ['/node_modules/', '/test/'],
    },
    {
      ...shared,
      ...withDatabase,
      displayName: 'medium',
      roots: ['<rootDir>/apps/chat-server/test/medium'],
      testRegex: '\\.medium-spec\\.ts$',
    },
    {
      ...shared,
      ...withDatabase,
      displayName: 'e2e',
      roots: ['<rootDir>/apps/chat-server/test'],
      testRegex: '\\.e2e-spec\\.ts$',
      testPathIgnorePatterns: [
        '/node_modules/',
        '/test/deploy/',
        '/test/faults/',
        '/test/browser/',
      ],
    },
  ],
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.cjs'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
