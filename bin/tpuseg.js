#!/usr/bin/env node
// Runs the TypeScript CLI with a cached TypeScript transform (register-ts.js), so a checkout works
// after `npm install` without a build step.
require('./register-ts');
require('../src/cli/bin.ts');
