#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so a checkout works after `npm install` without a build step.
require('tsx/cjs');
require('../src/cli/bin.ts');
