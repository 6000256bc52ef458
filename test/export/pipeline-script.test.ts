import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipelineScript } from '../../src/export/pipeline-script';

const compiled = ['m_segment_0_of_2_edgetpu.tflite', 'm_segment_1_of_2_edgetpu.tflite'];

function scriptDir(withModels: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-runner-'));
  fs.writeFileSync(path.join(dir, 'run_pipeline.py'), pipelineScript({ model: 'm', compiled, batch: 15 }));
  if (withModels) for (const f of compiled) fs.writeFileSync(path.join(dir, f), 'x');
  return dir;
}
const python = (dir: string, args: string[]) =>
  spawnSync('python3', [path.join(dir, 'run_pipeline.py'), ...args], { encoding: 'utf8' });

describe('export/pipeline-script', () => {
  describe('pipelineScript', () => {
    it('should be valid Python (py_compile)', () => {
      const dir = scriptDir(false);
      const r = spawnSync('python3', ['-m', 'py_compile', path.join(dir, 'run_pipeline.py')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
    it('should bake in the segments, the batch and the pycoral pipeline calls', () => {
      const text = pipelineScript({ model: 'm', compiled, batch: 15 });
      expect(text).toContain(`SEGMENTS = [${compiled.map((c) => JSON.stringify(c)).join(', ')}]`);
      expect(text).toContain('a.batch = 15');
      expect(text).toContain('load_delegate("libedgetpu.so.1", {"device": device})');
      expect(text).toContain('PipelinedModelRunner(interpreters)');
    });
    it('should show argparse help', () => {
      const r = python(scriptDir(false), ['--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('--device-prefix');
    });
    it('should name missing compiled segments and exit 2', () => {
      const r = python(scriptDir(false), []);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('missing compiled segment(s)');
      expect(r.stderr).toContain('run ./compile.sh first');
    });
    it('should refuse a device list of the wrong length', () => {
      const r = python(scriptDir(true), ['--devices', ':0']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('2 segments need 2 devices, got 1');
    });
    it('should exit 3 with a clear line when pycoral or the TPUs are not there', () => {
      const r = python(scriptDir(true), []);
      if (r.status === 3) expect(r.stderr).toMatch(/install pycoral|Edge TPUs, found|cannot open Edge TPU/);
      else expect(r.status).toBe(0);
    });
  });
});
