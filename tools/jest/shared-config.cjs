// What every Jest configuration of the repo shares: TypeScript through the repo's transformer and
// the `@chat/*` path aliases.
const path = require('node:path');

const shared = {
  rootDir: path.resolve(__dirname, '../..'),
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '\\.(ts|js|mjs)$': '<rootDir>/tools/jest/transformer.cjs' },
  transformIgnorePatterns: [],
  resolver: '<rootDir>/tools/jest/resolver.cjs',
  setupFilesAfterEnv: ['<rootDir>/tools/jest/setup-adminjs.cjs'],
  moduleNameMapper: { '^@chat/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' },
};

/**
 * For the suites that need PostgreSQL: a template database with every migration, built once; and
 * the check that every v2 frame the tests' clients receive matches the protocol's schemas.
 */
const withDatabase = {
  globalSetup: '<rootDir>/apps/chat-server/test/global-setup.ts',
  globalTeardown: '<rootDir>/apps/chat-server/test/global-teardown.ts',
  setupFilesAfterEnv: [
    ...shared.setupFilesAfterEnv,
    '<rootDir>/apps/chat-server/test/support/frame-conformance.ts',
  ],
};

module.exports = { shared, withDatabase };
