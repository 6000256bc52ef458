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
