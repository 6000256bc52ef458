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
  it('should ignore the README example outputs (r50.tflite, r50/, r152/, advice.json) and results/', () => {
    const files = ['r50.tflite', 'r50/plan.json', 'r152/plan.json', 'advice.json', 'results/x/index.md'];
    const r = spawnSync('git', ['check-ignore', '--no-index', ...files], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toEqual(files);
  });
});
