/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  // The deployment, fault and browser suites have their own commands (test:deploy, test:faults,
  // test:browser).
  testPathIgnorePatterns: ['/node_modules/', '/test/deploy/', '/test/faults/', '/test/browser/'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '\\.(ts|js|mjs)$': '<rootDir>/tools/jest/transformer.cjs' },
  transformIgnorePatterns: [],
  resolver: '<rootDir>/tools/jest/resolver.cjs',
  setupFilesAfterEnv: ['<rootDir>/tools/jest/setup-adminjs.cjs'],
  moduleNameMapper: { '^@chat/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' },
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.cjs'],
  globalSetup: '<rootDir>/apps/chat-server/test/global-setup.ts',
  globalTeardown: '<rootDir>/apps/chat-server/test/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
