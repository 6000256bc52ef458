import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-workload-'));
const BIN = path.resolve(__dirname, '../../bin/tpuseg.js');

describe('cli: advise --workload', () => {
  it('should print the front, the recommended assignment model by model and why, from a file or --model', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'w.json'), JSON.stringify({ models: [{ model: 'zoo:mobilenet_v2', rate: 300 }, { model: 'zoo:resnet50_v1', rate: 60 }] }));
    const c = captureIo(dir);
    expect(await main(['advise', '--workload', 'w.json', '--tpus', '4'], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(c.out[0]).toBe('workload on up to 4 TPUs, profile edgetpu-usb3, runner pycoral: mobilenet_v2 300/s, resnet50_v1 60/s');
    expect(text).toMatch(/^TPUs\s+ratio\s+meets\s+set by\s+assignment$/m);
    expect(text).toMatch(/^recommended \(\*\): mobilenet_v2 p1 on TPU 0; resnet50_v1 \S+ on TPUs 1,2,3$/m);
    expect(text).toMatch(/^why: meets every target on 4 of 4 TPUs with \d+% to spare/m);
    expect(c.out.filter((l) => /^ *\d+ \* /.test(l))).toHaveLength(1);
    const d = captureIo(dir);
    expect(await main(['advise', '--model', 'zoo:mobilenet_v2=300', '--model', 'zoo:resnet50_v1=60', '--tpus', '4'], d.io)).toBe(0);
    expect(d.out).toEqual(c.out);
  });

  it('should print one JSON object with --json and write it with -o', async () => {
    const dir = tmp();
    const c = captureIo(dir);
    expect(await main(['advise', '--model', 'zoo:mobilenet_v2=weight:1', '--model', 'zoo:mobilenet_v1=weight:2', '--tpus', '3', '--json', '-o', 'plan.json'], c.io)).toBe(0);
    expect(c.out).toHaveLength(1);
    const r = JSON.parse(c.out[0]!) as { tool: string; mode: string; assignments: { id: string; tpus: number }[]; recommended: string; front: string[] };
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'))).toEqual(r);
    expect([r.tool, r.mode]).toEqual(['tpuseg advise --workload', 'weights']);
    expect(r.assignments.map((a) => a.id)).toContain(r.recommended);
  });

  it('should refuse a bad workload in one line naming the field', async () => {
    const dir = tmp();
    const cases: [string[], RegExp][] = [
      [['--workload', 'w.json'], /w\.json.*models\[1\]\.rate: expected a positive number, got -3/],
      [['--workload', 'mixed.json'], /models\[1\]: every model needs a rate, or every model a weight/],
      [['--workload', 'both.json'], /models\[0\]: give either a rate \(inputs\/s\) or a weight, not both/],
      [['--model', 'zoo:mobilenet_v2'], /--model expects SPEC=RATE/],
      [['--model', 'zoo:mobilenet_v2=300', 'zoo:resnet50_v1'], /a workload takes no model argument/],
      [['--workload', 'w.json', '--model', 'zoo:mobilenet_v2=3'], /either --workload FILE or --model/],
    ];
    fs.writeFileSync(path.join(dir, 'w.json'), JSON.stringify({ models: [{ model: 'zoo:mobilenet_v2', rate: 3 }, { model: 'zoo:resnet50_v1', rate: -3 }] }));
    fs.writeFileSync(path.join(dir, 'mixed.json'), JSON.stringify({ models: [{ model: 'zoo:mobilenet_v2', rate: 3 }, { model: 'zoo:resnet50_v1', weight: 3 }] }));
    fs.writeFileSync(path.join(dir, 'both.json'), JSON.stringify({ models: [{ model: 'zoo:mobilenet_v2', rate: 3, weight: 1 }] }));
    for (const [args, want] of cases) {
      const c = captureIo(dir);
      expect(await main(['advise', ...args, '--tpus', '2'], c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(want);
      expect(c.err.join('\n')).not.toMatch(/\n\s+at /);
    }
    // A model path is read relative to the workload file.
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'w.json'), JSON.stringify({ models: [{ model: 'nothere.tflite', rate: 3 }] }));
    const c = captureIo(dir);
    expect(await main(['advise', '--workload', 'sub/w.json', '--tpus', '2'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain(path.join(dir, 'sub', 'nothere.tflite'));
  });

  it('should answer mobilenet_v2 + resnet50_v1 with targets on 4 TPUs in under 2 s, whole process', () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'advise', '--model', 'zoo:mobilenet_v2=300', '--model', 'zoo:resnet50_v1=60', '--tpus', '4'], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('recommended (*)');
    expect(ms).toBeLessThan(2000);
  });
});
