import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo, withEnv } from '../helpers/io';

// Model files named to break out of the generated scripts: a Python docstring, a shell comment,
// quotes, $(...), backticks, a leading "-". Each would leave a PWNED_* file behind if any name
// were spliced into code; both scripts run against the stand-in tools.
const STANDINS = path.resolve(__dirname, '../../fixtures/standins');
const NAMES = [
  '"""; import os; os.system("touch PWNED_PY"); x="""',
  "x\n$(touch PWNED_NL)\n# '; touch PWNED_Q; '",
  '--version `touch PWNED_BT` \\',
  "-o -; é'\"ünïcødé\u2028😀",
];
const hasPython = spawnSync('python3', ['--version']).status === 0;

const pwned = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f).startsWith('PWNED')).map((f) => path.join(dir, f));

describe('generated scripts with hostile model names', () => {
  it.each(NAMES.map((n) => [JSON.stringify(n), n]))('%s: names pass as data through compile.sh and run_pipeline.py', async (_label, stem) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-hostile-'));
    const c = captureIo(dir);
    const model = `${stem}.tflite`;
    expect(await main(['export-model', 'synth:conv?filters=8&layers=3&size=16', '-o', `./${model}`], c.io)).toBe(0);
    expect(await main(['export', `./${model}`, '--strategy', 'dp', '--tpus', '2', '--out', 'x'], c.io)).toBe(0);
    const out = path.join(dir, 'x');
    const segments = [0, 1].map((i) => `${stem}_segment_${i}_of_2.tflite`);
    for (const s of segments) expect(fs.existsSync(path.join(out, s))).toBe(true);

    const compile = spawnSync('bash', [path.join(out, 'compile.sh')], { cwd: dir, encoding: 'utf8', env: { ...process.env, EDGETPU_COMPILER: path.join(STANDINS, 'fake-edgetpu_compiler') } });
    expect(compile.status).toBe(0);
    expect(compile.stderr.endsWith(`compile.sh: compiled 2 segment(s) of ${stem}.\n`)).toBe(true);
    for (const s of segments) expect(fs.existsSync(path.join(out, s.replace(/\.tflite$/, '_edgetpu.tflite')))).toBe(true);

    if (hasPython) {
      const help = spawnSync('python3', [path.join(out, 'run_pipeline.py'), '--help'], { cwd: dir, encoding: 'utf8' });
      expect(help.status).toBe(0);
      const probe = 'import json, runpy, sys; g = runpy.run_path(sys.argv[1], run_name="probe"); print(json.dumps([g["MODEL"], g["SEGMENTS"]]))';
      const values = spawnSync('python3', ['-c', probe, path.join(out, 'run_pipeline.py')], { cwd: dir, encoding: 'utf8' });
      expect(JSON.parse(values.stdout)).toEqual([stem, segments.map((s) => s.replace(/\.tflite$/, '_edgetpu.tflite'))]);
    }

    const v = captureIo(dir);
    const code = await withEnv({}, () => main(['validate', 'x', '--backend', 'edgetpu', '--compiler', path.join(STANDINS, 'fake-edgetpu_compiler'), '--python', path.join(STANDINS, 'fake-run_pipeline')], v.io));
    expect([code, v.err]).toEqual([0, []]);
    expect(pwned(dir)).toEqual([]);
  });
});
