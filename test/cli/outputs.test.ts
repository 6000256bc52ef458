import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { commands } from '../../src/cli/commands';
import { captureIo } from '../helpers/io';

// One convention for what commands write (-o/--out) and for plan files (--plan).
const SYNTH = 'synth:conv?filters=8&layers=4&size=16';
const CONFIG = { name: 'outputs', models: ['synth:fc?neurons=64&layers=3'], tpus: [1, 2], strategies: ['compiler'], outputs: { tables: ['cells'] } };

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-outputs-'));

describe('cli: -o/--out and plan files, one convention', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(CONFIG));
  fs.writeFileSync(path.join(dir, 'm.csv'), 'Num filters,Inference time\n8,1.0\n');

  // Each command's output path under a folder that does not exist: the flag, what it names.
  const cases: [string, string[], string, string][] = [
    ['inspect', ['inspect', SYNTH], '--out', 'nf/i.json'],
    ['zoo', ['zoo'], '--out', 'nf/z.json'],
    ['export-model', ['export-model', SYNTH], '--out', 'nf/m.tflite'],
    ['predict', ['predict', SYNTH, '--tpus', '2'], '--out', 'nf/p.json'],
    ['calibrate', ['calibrate', 'm.csv', '--base', 'edgetpu-usb3'], '--out', 'nf/prof.json'],
    ['segment', ['segment', SYNTH, '--tpus', '2', '--workers', '0'], '--out', 'nf/s.json'],
    ['segment --html', ['segment', SYNTH, '--tpus', '2', '--workers', '0'], '--html', 'nf/s.html'],
    ['advise', ['advise', SYNTH, '--tpus', '2'], '--out', 'nf/a.json'],
    ['export', ['export', SYNTH, '--strategy', 'dp', '--tpus', '2'], '--out', 'nf/x'],
    ['validate', ['validate', 'x'], '--out', 'nf/v'],
    ['validate --measurements', ['validate', 'x', '--backend', 'edgetpu'], '--measurements', 'nf/m.csv'],
    ['run', ['run', 'cfg.json', '--workers', '0'], '--out', 'nf/r'],
    ['report', ['report', 'r'], '--out', 'nf/r'],
    ['reproduce', ['reproduce', 'single-tpu', '--workers', '0'], '--out', 'nf/all'],
  ];

  it.each(cases)('%s: an output in a missing folder is one line naming the folder, exit 2, nothing created', async (_name, argv, flag, target) => {
    const c = captureIo(dir);
    expect(await main([...argv, flag, target], c.io)).toBe(2);
    expect(c.err).toEqual([`tpuseg: usage error: ${argv[0]}: folder ${path.join(dir, 'nf')} does not exist (${flag} ${target} goes in it; create it first)`]);
    expect(fs.existsSync(path.join(dir, 'nf'))).toBe(false);
  });

  it('every command that writes documents -o, --out in its help; inspect, zoo and validate take it', async () => {
    for (const name of ['inspect', 'zoo', 'export-model', 'predict', 'calibrate', 'segment', 'advise', 'export', 'validate', 'run', 'report', 'reproduce']) {
      const c = captureIo(dir);
      expect(await main([name, '--help'], c.io)).toBe(0);
      expect([name, c.out.join('\n').includes('-o, --out ')]).toEqual([name, true]);
    }
    expect(commands.map((c) => c.name).sort()).toEqual(['advise', 'calibrate', 'export', 'export-model', 'inspect', 'predict', 'report', 'reproduce', 'run', 'segment', 'validate', 'zoo']);

    const w = tmp();
    const c = captureIo(w);
    expect(await main(['inspect', SYNTH, '-o', 'i.json'], c.io)).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(w, 'i.json'), 'utf8')).ops).toBeGreaterThan(0);
    expect(await main(['inspect', SYNTH, '-o', '.'], c.io)).toBe(2);
    expect(c.err.at(-1)).toBe('tpuseg: usage error: inspect: --out . is a folder; give a file name such as out.json');
    expect(await main(['zoo', '-o', 'z.json'], c.io)).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(w, 'z.json'), 'utf8')).models.length).toBeGreaterThan(10);
    // An output folder itself is made when missing (its parent exists).
    expect(await main(['export', SYNTH, '--strategy', 'dp', '--tpus', '2', '-o', 'x'], c.io)).toBe(0);
    expect(await main(['validate', 'x', '--backend', 'sim', '-o', 'v'], c.io)).toBe(0);
    expect(fs.readdirSync(path.join(w, 'v')).sort()).toEqual(['validation-sim.json', 'validation-sim.md']);
    expect(fs.existsSync(path.join(w, 'x', 'validation-sim.json'))).toBe(false);
  });

  it('every plan file a command writes is taken by --plan in predict and export, and validate takes an export by its plan.json', async () => {
    const w = tmp();
    const c = captureIo(w);
    const ok = async (argv: string[]): Promise<void> => {
      const before = c.err.length;
      const code = await main(argv, c.io);
      expect([argv.join(' '), code, c.err.slice(before)]).toEqual([argv.join(' '), 0, []]);
    };
    await ok(['segment', SYNTH, '--tpus', '3', '--strategy', 'dp', '--workers', '0', '-o', 'segment.json']);
    await ok(['predict', SYNTH, '--tpus', '3', '--strategy', 'dp', '-o', 'predict.json']);
    await ok(['advise', SYNTH, '--tpus', '4', '-o', 'advice.json']);
    await ok(['export', SYNTH, '--plan', 'advice.json', '-o', 'ex']);
    const advice = JSON.parse(fs.readFileSync(path.join(w, 'advice.json'), 'utf8'));
    const rec = advice.configurations.find((x: { id: string }) => x.id === advice.recommended);
    const dpCuts = JSON.parse(fs.readFileSync(path.join(w, 'predict.json'), 'utf8')).cuts;
    const plans = ['segment.json', 'predict.json', 'advice.json', 'ex/plan.json'];
    for (const plan of plans) {
      c.out.length = 0;
      await ok(['predict', SYNTH, '--plan', plan, '--json', '-o', `again-${path.basename(plan)}`]);
      const r = JSON.parse(c.out.join('\n'));
      expect([plan, r.cuts]).toEqual([plan, plan === 'advice.json' || plan === 'ex/plan.json' ? rec.cuts : dpCuts]);
      await ok(['export', SYNTH, '--plan', plan, '-o', `ex-${path.basename(plan, '.json')}`]);
    }
    // An advised configuration keeps its TPUs through predict and export.
    const again = JSON.parse(fs.readFileSync(path.join(w, 'again-advice.json'), 'utf8'));
    expect(again.configuration).toEqual({ id: rec.id, kind: rec.kind, tpus: rec.tpus, assignment: rec.assignment });
    expect(again.bottleneckMs).toBeCloseTo(rec.steadyMs, 6);
    await ok(['export', SYNTH, '--plan', 'again-advice.json', '-o', 'ex-again']);
    const m = JSON.parse(fs.readFileSync(path.join(w, 'ex-again', 'plan.json'), 'utf8'));
    expect(m.configuration.assignment).toEqual(rec.assignment);
    // The old spelling of predict's plan file still works.
    c.out.length = 0;
    await ok(['predict', SYNTH, '--strategy', 'segment.json', '--json']);
    expect(JSON.parse(c.out.join('\n')).cuts).toEqual(dpCuts);
    await ok(['validate', '--plan', 'ex/plan.json', '--backend', 'sim']);
    await ok(['validate', 'ex/plan.json', '--backend', 'sim']);
    expect(fs.existsSync(path.join(w, 'ex', 'validation-sim.json'))).toBe(true);
    expect(await main(['predict', SYNTH, '--plan', 'segment.json', '--strategy', 'dp'], c.io)).toBe(2);
    expect(c.err.at(-1)).toBe('tpuseg: usage error: predict: give either --plan FILE or --strategy S');
  });
});
