import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compiledName, compileScript, compilerLogName } from '../../src/export/compile-script';

const STANDINS = path.resolve(__dirname, '../../fixtures/standins');

function exportDir(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-compile-'));
  for (const f of files) fs.writeFileSync(path.join(dir, f), 'not a model');
  fs.writeFileSync(path.join(dir, 'compile.sh'), compileScript({ segments: files, model: 'm', timeoutSec: 60 }), { mode: 0o755 });
  return dir;
}

describe('export/compile-script', () => {
  describe('compilerLogName / compiledName', () => {
    it('should derive the report and compiled file names from the segment file', () => {
      expect(compilerLogName('m_segment_0_of_2.tflite')).toBe('m_segment_0_of_2_compiler.txt');
      expect(compiledName('m_segment_0_of_2.tflite')).toBe('m_segment_0_of_2_edgetpu.tflite');
    });
  });

  describe('compileScript', () => {
    const files = ['m_segment_0_of_2.tflite', 'm_segment_1_of_2.tflite'];
    it('should be valid bash that compiles every segment with -s, -o and --timeout_sec', () => {
      const text = compileScript({ segments: files, model: 'm', timeoutSec: 60 });
      expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
      expect(text).toContain('set -euo pipefail');
      expect(text).toContain('-s -o . --timeout_sec "$TIMEOUT"');
      expect(text).toContain("compile_segment 1 'm_segment_1_of_2.tflite' 'm_segment_1_of_2_compiler.txt'");
      const dir = exportDir(files);
      expect(() => execFileSync('bash', ['-n', path.join(dir, 'compile.sh')])).not.toThrow();
    });
    it('should say plainly when the compiler is missing', () => {
      const dir = exportDir(files);
      const r = spawnSync(path.join(dir, 'compile.sh'), [], { env: { ...process.env, EDGETPU_COMPILER: 'no-such-edgetpu_compiler' }, encoding: 'utf8' });
      expect(r.status).toBe(127);
      expect(r.stderr).toContain("the Edge TPU compiler 'no-such-edgetpu_compiler' was not found");
    });
    it('should compile each segment and keep its report (with the stand-in compiler)', () => {
      const dir = exportDir(files);
      const r = spawnSync(path.join(dir, 'compile.sh'), [], { env: { ...process.env, EDGETPU_COMPILER: path.join(STANDINS, 'fake-edgetpu_compiler') }, encoding: 'utf8' });
      expect(r.status).toBe(0);
      for (const f of files) {
        expect(fs.existsSync(path.join(dir, compiledName(f)))).toBe(true);
        expect(fs.readFileSync(path.join(dir, compilerLogName(f)), 'utf8')).toContain(`Input model: ${f}`);
      }
    });
    it('should stop at the first segment that fails to compile, keeping its report', () => {
      const dir = exportDir(files);
      const env = { ...process.env, EDGETPU_COMPILER: path.join(STANDINS, 'fake-edgetpu_compiler'), FAKE_COMPILER_FAIL_ON: 'segment_0' };
      const r = spawnSync(path.join(dir, 'compile.sh'), [], { env, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('compiling segment 0 (m_segment_0_of_2.tflite) failed');
      expect(fs.readFileSync(path.join(dir, compilerLogName(files[0]!)), 'utf8')).toContain('large activation tensors');
      expect(fs.existsSync(path.join(dir, compilerLogName(files[1]!)))).toBe(false);
    });
  });
});
