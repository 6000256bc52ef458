/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // What the plug-in loader resolves for a plug-in anywhere on disk (src/plugins/resolve.ts).
  moduleNameMapper: { '^tpuseg/strategy$': '<rootDir>/src/strategy.ts' },
  testTimeout: 120000,
  // After jest's summary, each skipped test by its title (which says what it needs).
  reporters: ['default', '<rootDir>/test/helpers/skipped-reporter.js'],
};
