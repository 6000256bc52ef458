import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPORT_DIR } from '../../src/calibrate/generate';
import { reportDir } from '../../experiments/calibration/report';

const ROOT = path.resolve(__dirname, '../..');

describe('npm run calibration-report', () => {
  it('should write under results/ unless asked to --update the committed report', () => {
    expect(reportDir([], ROOT)).toBe(path.join(ROOT, 'results', 'calibration'));
    expect(reportDir(['--update'], ROOT)).toBe(REPORT_DIR);
    expect(reportDir(['--force'], ROOT)).toBeUndefined();
  });
});

describe('.gitignore', () => {
  it('should ignore the README example outputs (r50.tflite, out/) and results/', () => {
    const r = spawnSync('git', ['check-ignore', '--no-index', 'r50.tflite', 'out/r50/plan.json', 'results/x/index.md'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toEqual(['r50.tflite', 'out/r50/plan.json', 'results/x/index.md']);
  });
});
