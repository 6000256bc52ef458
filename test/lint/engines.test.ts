import * as path from 'node:path';
import * as semver from 'semver';

// The Node range package.json declares must be one every installed package supports (npm ci
// warns otherwise), and the Node running the suite must be in it.
const ROOT = path.resolve(__dirname, '../..');
const declared = (require(path.join(ROOT, 'package.json')) as { engines: { node: string } }).engines.node;
const lock = require(path.join(ROOT, 'package-lock.json')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

describe('engines lint', () => {
  it('should declare a Node range inside every locked package\'s own', () => {
    const narrower = Object.entries(lock.packages).flatMap(([name, p]) => {
      const wanted = Array.isArray(p.engines) ? undefined : p.engines?.node;
      return wanted !== undefined && semver.validRange(wanted) !== null && !semver.subset(declared, wanted) ? [`${name} wants node ${wanted}`] : [];
    });
    expect(narrower).toEqual([]);
  });

  it('should run on a Node the package declares', () => {
    expect([process.version, semver.satisfies(process.version, declared)]).toEqual([process.version, true]);
  });
});
