import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';

// What Coral users type: the compiler's and the partitioner's flag names, the shell's habits.
const SYNTH = 'synth:conv?filters=8&layers=4&size=16';

async function run(argv: string[], cwd = os.tmpdir()): Promise<{ code: number; out: string[]; err: string[] }> {
  const c = captureIo(cwd);
  const code = await main(argv, c.io);
  return { code, out: c.out, err: c.err };
}

describe("cli: Coral users' words", () => {
  it('should take --num_segments N as --tpus N in segment, predict and export, and --model_path as the model', async () => {
    const own = await run(['segment', SYNTH, '--tpus', '3', '--strategy', 'dp', '--workers', '0', '--json']);
    const coral = await run(['segment', '--model_path', SYNTH, '--num_segments', '3', '--strategy', 'dp', '--workers', '0', '--json']);
    expect([coral.code, coral.err]).toEqual([0, []]);
    expect(JSON.parse(coral.out.join('\n')).results).toEqual(JSON.parse(own.out.join('\n')).results.map((r: object) => ({ ...r, searchMs: expect.any(Number) })));
    const p = await run(['predict', SYNTH, '--num_segments=2', '--json']);
    expect([p.code, JSON.parse(p.out.join('\n')).segments.length]).toEqual([0, 2]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-coral-'));
    const x = await run(['export', `--model_path=${SYNTH}`, '--strategy', 'dp', '--num_segments', '2', '--out_dir', 'x'], dir);
    expect([x.code, x.err]).toEqual([0, []]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'x', 'plan.json'), 'utf8')).segments).toHaveLength(2);
    expect((await run(['export', SYNTH, '--strategy', 'dp', '--tpus', '2', '--output_dir', 'y'], dir)).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'y', 'plan.json'))).toBe(true);
  });

  it('should say the tpuseg flag for a Coral name a command does not take, and snake_case for kebab-case', async () => {
    const a = await run(['advise', SYNTH, '--num_segments', '4']);
    expect([a.code, a.err]).toEqual([2, ["tpuseg: usage error: advise: unknown option --num_segments (Coral's name for segments, one per Edge TPU; here: --tpus) (see tpuseg advise --help)"]]);
    const o = await run(['segment', SYNTH, '--tpus', '2', '--out_dir', 'x']);
    expect(o.err).toEqual(["tpuseg: usage error: segment: unknown option --out_dir (Coral's name for the folder to write; here: --out) (see tpuseg segment --help)"]);
    const f = await run(['predict', SYNTH, '--fresh_runner']);
    expect(f.err).toEqual(['tpuseg: usage error: predict: unknown option --fresh_runner (did you mean --fresh-runner?) (see tpuseg predict --help)']);
    for (const cmd of ['segment', 'predict', 'export']) expect((await run([cmd, '--help'])).out.join('\n')).toMatch(/Coral's flag names are taken too: --num_segments N as --tpus N/);
  });

  it('should print usage for a missing command on stderr (exit 2), and asked for on stdout (exit 0)', async () => {
    const bare = await run([]);
    expect([bare.code, bare.out]).toEqual([2, []]);
    expect(bare.err.join('\n')).toMatch(/^tpuseg: usage error: no command given\n.*\nusage: tpuseg <command>/s);
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const h = await run(argv);
      expect([argv, h.code, h.err, h.out.join('\n')]).toEqual([argv, 0, [], expect.stringMatching(/usage: tpuseg <command>[^]*-v, --version/)]);
    }
  });

  it("should print a command's help for tpuseg help <command>, and suggest for a wrong one", async () => {
    const h = await run(['help', 'segment']);
    const own = await run(['segment', '--help']);
    expect([h.code, h.out]).toEqual([0, own.out]);
    expect(h.out[0]).toMatch(/^usage: tpuseg segment/);
    const bad = await run(['help', 'segmnet']);
    expect([bad.code, bad.err]).toEqual([2, ['tpuseg: usage error: unknown command "segmnet" (did you mean segment?) (see tpuseg --help)']]);
  });

  it('should print the version for --version, -v and -V', async () => {
    const version = (require('../../package.json') as { version: string }).version;
    for (const flag of ['--version', '-v', '-V']) expect(await run([flag])).toEqual({ code: 0, out: [version], err: [] });
  });

  it('should suggest the zoo model a bare name or a near name means', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-coral-'));
    const bare = await run(['inspect', 'mobilenet_v2'], dir);
    expect([bare.code, bare.err]).toEqual([2, ['tpuseg: mobilenet_v2: not a readable TFLite model: no such file (did you mean zoo:mobilenet_v2?)']]);
    const file = await run(['segment', 'resnet50.tflite', '--tpus', '2'], dir);
    expect(file.err[0]).toMatch(/resnet50\.tflite: not a readable TFLite model: no such file \(did you mean zoo:resnet50_v1 or zoo:resnet50_v2\?\)$/);
    const near = await run(['predict', 'zoo:resnet50'], dir);
    expect([near.code, near.err]).toEqual([2, ['tpuseg: usage error: zoo:resnet50: unknown zoo model "resnet50" (did you mean zoo:resnet50_v1 or zoo:resnet50_v2? tpuseg zoo lists all 21)']]);
    const none = await run(['inspect', 'mine.tflite'], dir);
    expect(none.err).toEqual(['tpuseg: mine.tflite: not a readable TFLite model: no such file']);
  });
});
