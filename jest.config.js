/**
 * Jest runs TypeScript through SWC (transpile only); `npm test` type-checks with tsc first.
 * Two projects: `unit` (pure code, no database: `npm run test:unit`, seconds) and
 * `integration` (the real database, servers over HTTP, the gateway as a process, a browser).
 */
const transform = { '^.+\\.ts$': ['@swc/jest'] };

/** @type {import('jest').Config} */
module.exports = {
  // Jest reads the time limit of tests and hooks from here only: `testTimeout` in a project is ignored,
  // which left hooks that start a stack 5 s (too little on a loaded two-core machine).
  testTimeout: 30000,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', testTimeout: 30000, roots: ['<rootDir>/test/unit'], testMatch: ['**/*.test.ts'], transform },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testTimeout: 30000,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/test/unit/'],
      transform,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
