import * as E from 'fp-ts/Either';
import { options } from '../../src/cli/commands/segment';
import { main } from '../../src/cli/main';
import { formatError } from '../../src/errors';
import { captureIo } from '../helpers/io';

// --option NAME.KEY=VALUE: no key may reach a prototype, and no value may nest deep enough to overflow the stack.
const message = (raw: string[]): string => {
  const r = options(raw);
  return E.isLeft(r) ? formatError(r.left) : 'ok';
};

describe('segment --option', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it.each([
    ['__proto__.x=1', 'segment: --option __proto__.x: "__proto__" cannot be a strategy or option name'],
    ['dp.__proto__=1', 'segment: --option dp.__proto__: "__proto__" cannot be a strategy or option name'],
    ['constructor.prototype=1', 'segment: --option constructor.prototype: "constructor" cannot be a strategy or option name'],
    ['dp.prototype.x=1', 'segment: --option dp.prototype.x: "prototype" cannot be a strategy or option name'],
    ['dp.x={"a":{"__proto__":{"x":1}}}', 'segment: --option dp.x: the value has the key "dp.x.a.__proto__", which cannot be an option name'],
  ])('should reject %s in one line', (item, why) => {
    expect(message([item])).toBe(`usage error: ${why}`);
  });

  it('should bound the nesting of a value, and not overflow the stack on 200,000 brackets', () => {
    expect(message([`dp.x=${'['.repeat(200_000)}`])).toBe('usage error: segment: --option dp.x: the value nests deeper than 64 levels');
    expect(message([`dp.x=${'['.repeat(64)}${']'.repeat(64)}`])).toBe('ok');
    expect(message(['dp.x="[[[[ in a string ]"'])).toBe('ok');
  });

  it('should keep ordinary options as plain objects', () => {
    expect(options(['annealing.restarts=8', 'annealing.x={"a":[1,2]}', 'dp.y=text'])).toEqual(E.right({ annealing: { restarts: 8, x: { a: [1, 2] } }, dp: { y: 'text' } }));
  });

  it('should exit 2 with one line from the command, leaving Object.prototype alone', async () => {
    const c = captureIo();
    expect(await main(['segment', 'synth:fc?neurons=16&layers=4', '--tpus', '2', '--strategy', 'dp', '--option', '__proto__.error=1'], c.io)).toBe(2);
    expect(c.err).toEqual(['tpuseg: usage error: segment: --option __proto__.error: "__proto__" cannot be a strategy or option name']);
    expect(({} as Record<string, unknown>)['error']).toBeUndefined();
  });
});
