// `npm run test:slow`: tests too long for the main suite (files named *.slow.ts under test/).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ['**/*.slow.ts'], testTimeout: 600000 };
