/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 120000,
  // After jest's summary, each skipped test by its title (which says what it needs).
  reporters: ['default', '<rootDir>/test/helpers/skipped-reporter.js'],
};
