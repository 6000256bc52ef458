import { describeWhen } from './shared';

// A fresh clone has no ../shared: a shared-data block must not even run its body there.
const calls: string[] = [];
describeWhen(false, 'a ../shared that this check of describeWhen pretends is missing: always skipped')('a block that reads ../shared', () => {
  calls.push('body ran');
});

describe('describeShared', () => {
  it('should not call the body of a block when ../shared is absent', () => {
    expect(calls).toEqual([]);
  });
});

describe('skipped-reporter', () => {
  it('should list the skipped tests by full title, so each says what it needs', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { skippedTitles } = require('./skipped-reporter.js') as { skippedTitles: (r: unknown) => string[] };
    const file = (tests: { status: string; fullName: string }[]): { testResults: typeof tests } => ({ testResults: tests });
    expect(skippedTitles({ testResults: [
      file([{ status: 'passed', fullName: 'a runs' }, { status: 'pending', fullName: 'b (needs ../shared) is skipped' }]),
      file([{ status: 'todo', fullName: 'c later' }, { status: 'failed', fullName: 'd fails' }]),
    ] })).toEqual(['b (needs ../shared) is skipped', 'c later']);
  });
});
