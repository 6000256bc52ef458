import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';

// The same flag for the same thing everywhere, our words for the parser's errors, --json one object.
const SYNTH = 'synth:conv?filters=8&layers=3&size=16';
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-consistency-'));
const CONFIG = { name: 'c', models: ['synth:fc?neurons=32&layers=3'], tpus: [1, 2], strategies: ['compiler'] };

async function json(dir: string, argv: string[]): Promise<Record<string, unknown>> {
  const c = captureIo(dir);
  expect([argv.join(' '), await main(argv, c.io)]).toEqual([argv.join(' '), 0]);
  expect(c.out).toHaveLength(1);
  const v = JSON.parse(c.out[0]!) as unknown;
  expect(typeof v === 'object' && v !== null && !Array.isArray(v)).toBe(true);
  return v as Record<string, unknown>;
}

describe('cli: one set of conventions', () => {
  it('should word the argument parser\'s errors itself', async () => {
    const cases: [string[], string][] = [
      [['segment', SYNTH, '--tpus', '-1'], 'segment: --tpus expects a positive integer, got "-1"'],
      [['predict', SYNTH, '--batch', '-3'], 'predict: --batch expects a positive integer, got "-3"'],
      [['segment', SYNTH, '--tpus'], 'segment: --tpus expects a value (see tpuseg segment --help)'],
      [['segment', SYNTH, '--tpu', '2'], 'segment: unknown option --tpu (did you mean --tpus?) (see tpuseg segment --help)'],
      [['export-model', SYNTH, '--output', 'm.tflite'], 'export-model: unknown option --output (did you mean --out?) (see tpuseg export-model --help)'],
      [['inspect', SYNTH, '--json=yes'], 'inspect: --json takes no value (see tpuseg inspect --help)'],
      [['segmnet', SYNTH], 'unknown command "segmnet" (did you mean segment?) (see tpuseg --help)'],
    ];
    for (const [argv, message] of cases) {
      const c = captureIo(tmp());
      expect([argv.join(' '), await main(argv, c.io), c.err]).toEqual([argv.join(' '), 2, [`tpuseg: usage error: ${message}`]]);
    }
  });

  it('should print one JSON object with --json, and take -o for output paths, in every command that writes', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(CONFIG));
    expect(Object.keys(await json(dir, ['zoo', '--json']))).toEqual(['models']);
    expect(await json(dir, ['inspect', SYNTH, '--json'])).toHaveProperty('ops');
    expect(await json(dir, ['export-model', SYNTH, '-o', 'm.tflite', '--json'])).toMatchObject({ file: path.join(dir, 'm.tflite'), ops: 4 });
    const seg = await json(dir, ['segment', SYNTH, '--tpus', '2', '--strategy', 'dp', '--workers', '0', '-o', 'plan.json', '--json']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'))).toEqual(seg);
    const pred = await json(dir, ['predict', SYNTH, '--tpus', '2', '--strategy', 'plan.json', '-o', 'p2.json', '--json']);
    expect(pred).toMatchObject({ strategy: 'dp', madeFor: seg['madeFor'] });
    expect(await json(dir, ['export', SYNTH, '--plan', 'p2.json', '-o', 'x', '--json'])).toHaveProperty('segments');
    expect(await json(dir, ['validate', 'x', '--backend', 'sim', '--json'])).toHaveProperty('verdict', 'pass');
    expect(await json(dir, ['run', 'cfg.json', '-o', 'r', '--workers', '0', '--json'])).toMatchObject({ name: 'c', cells: 2, computed: 2, failed: 0 });
    expect(await json(dir, ['report', 'r', '-o', 'r2', '--json'])).toMatchObject({ index: path.join(dir, 'r2', 'index.md') });
  });

  it('predict should search with any strategy and objective, as segment does', async () => {
    const dir = tmp();
    for (const objective of ['throughput', 'latency']) {
      const seg = await json(dir, ['segment', SYNTH, '--tpus', '2', '--strategy', 'annealing', '--objective', objective, '--workers', '0', '--json']);
      const pred = await json(dir, ['predict', SYNTH, '--tpus', '2', '--strategy', 'annealing', '--objective', objective, '--json']);
      expect(pred['cuts']).toEqual((seg['results'] as { cuts: number[] }[])[0]!.cuts);
    }
  });

  it('a plan made for one model should be refused on another, naming both', async () => {
    const dir = tmp();
    await json(dir, ['segment', SYNTH, '--tpus', '2', '--strategy', 'dp', '--workers', '0', '-o', 'plan.json', '--json']);
    for (const argv of [['predict', 'synth:conv?filters=16&layers=3&size=16', '--strategy', 'plan.json'], ['export', 'synth:conv?filters=16&layers=3&size=16', '--plan', 'plan.json', '-o', 'y']]) {
      const c = captureIo(dir);
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err[0]).toMatch(/^tpuseg: (.*\/)?plan\.json: invalid configuration: madeFor: the plan was made for synth_conv_f8_l3_s16 \(4 ops, graph [0-9a-f]{16}\), not for synth_conv_f16_l3_s16 \(4 ops, graph [0-9a-f]{16}\)$/);
    }
  });

  it('calibrate should say a measurements file is missing', async () => {
    const c = captureIo(tmp());
    expect(await main(['calibrate', 'nope.csv', '--base', 'edgetpu-usb3', '-o', 'p.json'], c.io)).toBe(2);
    expect(c.err).toEqual(['tpuseg: nope.csv: no such file']);
  });
});
