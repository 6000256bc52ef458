import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { BufferT, ModelT, SubGraphT } from '../../src/tflite';
import { captureIo } from '../helpers/io';
import { packModel, u8tensor } from '../tflite/reader.fixture';

// Inputs of the wrong shape are user errors: one message naming what is wrong and where, the
// exit code of their kind, never a TypeError or a stack trace.
const ROOT = path.resolve(__dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-input-checks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = async (...argv: string[]): Promise<{ code: number; err: string[]; out: string[] }> => {
  const { io, out, err } = captureIo(dir);
  return { code: await main(argv, io), out, err };
};

describe('input checks', () => {
  it.each([
    ['a number', 5, 'strategies[1]: expected a non-empty string, got 5'],
    ['null', null, 'strategies[1]: expected a non-empty string, got null'],
    ['options of the wrong shape', { name: 'greedy', options: 5 }, 'strategies[1].options: expected a map of strategy options, got 5'],
    ['a label of the wrong shape', { name: 'greedy', label: 5 }, 'strategies[1].label: expected a name of letters, digits, "-" or "_", got 5'],
    ['a misspelt name', { nam: 'greedy' }, 'strategies[1].name: missing (a non-empty string)'],
  ])('should list a config strategy entry that is %s among the config\'s problems', async (_what, entry, problem) => {
    fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify({ name: 'c', models: ['zoo:resnet50_v1'], tpus: 2, strategies: ['dp', entry] }));
    const r = await run('run', 'cfg.json', '--out', 'o', '--workers', '0');
    expect(r.code).toBe(2);
    const text = r.err.join('\n');
    expect(text).toMatch(new RegExp(`^tpuseg: ${path.join(dir, 'cfg.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid configuration:`));
    expect(text).toContain(problem);
    expect(text).not.toMatch(/TypeError|internal error|\n\s+at /);
    // With a model that is no model too, both problems are listed together.
    fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify({ name: 'c', models: ['zoo:resnet50_v1', 'zoo:nope'], tpus: 2, strategies: ['dp', entry] }));
    const both = (await run('run', 'cfg.json', '--out', 'o', '--workers', '0')).err.join('\n');
    expect([both.includes(problem), both.includes('models[1]')]).toEqual([true, true]);
  });

  it('should refuse advise on a model of no ops as segment does: exit 3, one line', async () => {
    const f = path.join(dir, 'empty.tflite');
    fs.writeFileSync(f, packModel(new ModelT(3, [], [new SubGraphT([u8tensor('x', [1, 4])], [0], [0], [], 'main')], 'no ops', [new BufferT()])));
    const segment = await run('segment', f, '--tpus', '2', '--workers', '0');
    const advise = await run('advise', f, '--tpus', '2');
    expect([segment.code, advise.code]).toEqual([3, 3]);
    expect(advise.err).toEqual(['tpuseg: infeasible: empty has 0 ops: it cannot be cut into non-empty segments on any number of TPUs']);
  });

  it.each([
    ['a JSON object that is no results file', '{"hello": "world"}\n'],
    ['JSON arrays', '[1,2,3]\n[4]\n'],
    ['records whose cell parameters are not a run\'s', '{"cell":"x","tool":"t","config":"c","profileHash":"h","params":{"model":5},"result":{"msPerInput":1,"bottleneckMs":1,"latencyMs":1,"cuts":[],"segments":[]}}\n' +
      '{"cell":"x","tool":"t","config":"c","profileHash":"h","params":{},"error":"e"}\n'],
  ])('should refuse to report on %s: one line, exit 2', async (_what, text) => {
    fs.writeFileSync(path.join(dir, 'foreign.jsonl'), text);
    const r = await run('report', 'foreign.jsonl', '-o', 'foreign-report');
    expect([r.code, r.err]).toEqual([2, ['tpuseg: usage error: report: foreign.jsonl: not a results file (line 1 is not a cell record; tpuseg run writes results.jsonl)']]);
    expect(fs.existsSync(path.join(dir, 'foreign-report'))).toBe(false);
  });

  it.each([
    ['null', null, 'expected an object'],
    ['another JSON object', { hello: 1 }, 'file: expected a string'],
    ['a config of the wrong shape', { file: 'c.json', hash: 'h', config: { name: 'x', description: '', objective: 'batch', batch: 15, seeds: [0], budget: {}, outputs: 5 } }, 'config.outputs: expected an object'],
    ['unknown tables', { file: 'c.json', hash: 'h', config: { name: 'x', description: '', objective: 'batch', batch: 15, seeds: [0], budget: {}, outputs: { tables: ['x'], figures: [] } } },
      'config.outputs.tables: expected a list of single-tpu, multi-tpu, synthetic, cells'],
  ])('should refuse to report with a config.json that is %s beside the results: one line, exit 2', async (_what, config, problem) => {
    fs.mkdirSync(path.join(dir, 'saved'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify({ name: 'c', models: ['zoo:resnet50_v1'], tpus: 2, strategies: ['compiler'] }));
    expect((await run('run', 'cfg.json', '--out', 'saved', '--workers', '0')).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'saved', 'config.json'), JSON.stringify(config));
    const r = await run('report', 'saved', '-o', 'saved-report');
    expect([r.code, r.err]).toEqual([2, [`tpuseg: usage error: report: saved/config.json: not the config.json tpuseg run writes (${problem})`]]);
  });

  it('should reject a profile whose calibration bands are not bands, naming each path', async () => {
    const p = JSON.parse(fs.readFileSync(path.join(ROOT, 'cost-models/profiles/edgetpu-usb3.json'), 'utf8'));
    Object.assign(p.calibration.bands, {
      'single/conv/on-chip': 'x', 'single/conv/streaming': null, 'single/fc/on-chip': { lo: 1.2, hi: 0.9, rows: 3, from: 'a' },
      'single/fc/streaming': { lo: 1e308, hi: 1e308, rows: 3, from: 'a' }, 'pipeline/fc/streaming': { lo: 0.9, hi: 1.1, rows: -1, from: 'a' },
      'pipeline/gpu/on-chip': { lo: 0.9, hi: 1.1, rows: 3, from: 'a' },
    });
    fs.writeFileSync(path.join(dir, 'bands.json'), JSON.stringify(p));
    const r = await run('predict', 'zoo:resnet50_v1', '--tpus', '2', '--profile', 'bands.json');
    expect(r.code).toBe(2);
    expect(r.err.join('\n').split('\n').slice(1).map((l) => l.trim()).sort()).toEqual([
      'calibration.bands.pipeline/fc/streaming.rows: expected a count of at least 1, got -1',
      'calibration.bands.pipeline/gpu/on-chip: unknown regime (regimes: single or pipeline / conv or fc / on-chip or streaming)',
      'calibration.bands.single/conv/on-chip: expected a band {lo, hi, rows, from}, got "x"',
      'calibration.bands.single/conv/streaming: expected a band {lo, hi, rows, from}, got null',
      'calibration.bands.single/fc/on-chip: lo 1.2 is above hi 0.9',
      'calibration.bands.single/fc/streaming.hi: expected a ratio measured / predicted from 0.01 to 100, got 1e+308',
      'calibration.bands.single/fc/streaming.lo: expected a ratio measured / predicted from 0.01 to 100, got 1e+308',
    ]);
    for (const name of ['edgetpu-usb3', 'edgetpu-pcie', 'edgetpu-ucm-bench']) expect((await run('predict', 'zoo:resnet50_v1', '--tpus', '2', '--profile', name)).code).toBe(0);
  });

  it.each([
    [2, '0:1', 'pin 0:1: op 0 cannot run in segment 1: segment 0 before it needs at least 1 op, and 0 ops come before op 0'],
    [4, '76:1', 'pin 76:1: op 76 cannot run in segment 1: segments 2..3 after it need at least 2 ops, and 0 ops come after op 76'],
    [4, '10:2,5:3', 'pins 5:3 and 10:2 are out of order: op 10 comes after op 5, so its segment cannot come before segment 3'],
    [4, '10:0,12:3', 'pins 10:0 and 12:3 leave 1 op between them for 2 segments (1..2) that must not be empty'],
    [4, '5:0,5:1', 'pins 5:0 and 5:1 put op 5 in two segments'],
  ])('should say what is wrong with pins that cannot hold (%i TPUs, --pin %s)', async (tpus, pins, message) => {
    const r = await run('segment', 'zoo:resnet50_v1', '--tpus', String(tpus), '--pin', pins, '--strategy', 'dp', '--workers', '0');
    expect([r.code, r.err]).toEqual([3, [`tpuseg: infeasible: resnet50_v1: ${message}`]]);
  });
});
