import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { writeTflite } from '../../src/tflite/writer';
import { synthModel } from '../../src/zoo/synth';
import { captureIo } from '../helpers/io';

const SYNTH = 'synth:conv?filters=8&layers=3&size=16';
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-small-'));
const graph = () => {
  const g = synthModel(SYNTH);
  if (E.isLeft(g)) throw new Error('synth');
  return g.right;
};

describe('cli: small fixes', () => {
  it('inspect should print tensor names with terminal escapes escaped', async () => {
    const dir = tmp();
    const g = graph();
    const hostile = '\u001b]0;pwned\u0007\u001b[31mred\u009b2J\u202eevil';
    const tensors = g.tensors.map((t, i) => (i === g.inputs[0] ? { ...t, name: hostile } : t));
    fs.writeFileSync(path.join(dir, 'm.tflite'), writeTflite({ ...g, tensors }));
    const c = captureIo(dir);
    expect(await main(['inspect', path.join(dir, 'm.tflite')], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain('"\\x1b]0;pwned\\x07\\x1b[31mred\\x9b2J\\u202eevil"');
    const j = captureIo(dir);
    expect(await main(['inspect', path.join(dir, 'm.tflite'), '--json'], j.io)).toBe(0);
    expect(j.out.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(j.out.join('\n')).inputs[0].name).toBe(hostile);
  });

  it('should not pass a model without outputs: nothing was compared', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ cuts: [2] }));
    const c = captureIo(dir);
    expect(await main(['export', SYNTH, '--plan', 'p.json', '--out', 'x'], c.io)).toBe(0);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'x', 'plan.json'), 'utf8'));
    const whole = path.join(dir, 'x', plan.model.file);
    const g = graph();
    fs.writeFileSync(whole, writeTflite({ ...g, outputs: [] }, { seed: plan.model.writerSeed }));
    plan.model.sha256 = require('node:crypto').createHash('sha256').update(fs.readFileSync(whole)).digest('hex');
    plan.model.spec = whole;
    delete plan.model.writerSeed;
    delete plan.model.file;
    fs.writeFileSync(path.join(dir, 'x', 'plan.json'), JSON.stringify(plan));
    const v = captureIo(dir);
    const code = await main(['validate', 'x', '--repeats', '1'], v.io);
    expect(code).not.toBe(0);
    expect(v.out.join('\n')).not.toMatch(/: pass:/);
    expect(v.out.join('\n')).toContain('the model has no outputs: there is nothing to compare');
  });

  it('a plan file with both cuts and counts should be refused, by predict and export alike (exit 2)', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'both.json'), JSON.stringify({ cuts: [2], counts: [1, 3] }));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ cuts: [99] }));
    for (const [file, why] of [['both.json', '(root): give either "cuts" or "counts", not both'], ['bad.json', 'cuts: ']] as const) {
      const p = captureIo(dir);
      const e = captureIo(dir);
      expect(await main(['predict', SYNTH, '--strategy', file], p.io)).toBe(2);
      expect(await main(['export', SYNTH, '--plan', file, '--out', 'o'], e.io)).toBe(2);
      expect(p.err[0]).toContain(why);
      expect(e.err[0]).toContain(why);
    }
  });

  it('should refuse an --option for a strategy the search does not run', async () => {
    const c = captureIo(tmp());
    expect(await main(['segment', SYNTH, '--tpus', '2', '--strategy', 'dp', '--option', 'anealing.restarts=2', '--workers', '0'], c.io)).toBe(2);
    expect(c.err).toEqual(['tpuseg: usage error: --option anealing.*: no strategy "anealing" runs in this search (it runs dp)']);
  });
});
