import * as E from 'fp-ts/Either';
import type { TpusegError } from '../errors';
import { validateLitert, type LitertOptions, type LitertValidation } from './litert';
import { loadSegments, loadWholeModel, type ExportDir } from './load';
import { reportBase, segmentRows, type ValidationReport } from './report';

/** The `litert` backend over an export directory, as a validation report. */

function differsMost(v: LitertValidation, predictedMs: readonly number[]): string {
  if (v.verdict === 'not-checked') return 'nothing was compared';
  const bad = v.outputs.filter((o) => !o.equal);
  if (v.verdict === 'differs' && bad.length === 0) return v.notes[v.notes.length - 1] ?? 'the segment chain did not run through';
  if (bad.length > 0) {
    const worst = [...bad].sort((a, b) => b.differing / b.elements - a.differing / a.elements)[0]!;
    return `output "${worst.name}": ${worst.differing} of ${worst.elements} elements differ` +
      (worst.problem ? ` (${worst.problem})` : `, largest difference ${worst.maxAbsDiff}`);
  }
  const cpu = v.segments.map((s) => s.cpuMs);
  const cpuSum = cpu.reduce((a, b) => a + b, 0);
  const predSum = predictedMs.slice(0, cpu.length).reduce((a, b) => a + b, 0);
  let worst = 0;
  let gap = -1;
  cpu.forEach((ms, i) => {
    const g = Math.abs(ms / cpuSum - predictedMs[i]! / predSum);
    if (g > gap) [worst, gap] = [i, g];
  });
  const elements = v.outputs.reduce((s, o) => s + o.elements, 0);
  return `no output differs (${v.outputs.length} output(s), ${elements} values over ${v.samples} sample(s)); ` +
    `timing: segment ${worst} takes ${(100 * cpu[worst]! / cpuSum).toFixed(0)}% of the CPU chain but ${(100 * predictedMs[worst]! / predSum).toFixed(0)}% of the predicted Edge TPU time`;
}

export async function litertReport(x: ExportDir, o: LitertOptions): Promise<E.Either<TpusegError, ValidationReport>> {
  const whole = loadWholeModel(x);
  if (E.isLeft(whole)) return whole;
  const segments = loadSegments(x);
  if (E.isLeft(segments)) return segments;
  const v = await validateLitert(whole.right, segments.right, o);
  if (E.isLeft(v)) return v;
  const r = v.right;
  const m = x.manifest;
  const notes = [
    ...r.notes,
    ...segments.right.filter((s) => s.changed).map((s) => `${s.label} changed since the export (its SHA-256 differs from plan.json); it was validated as it is now`),
    ...m.warnings,
  ];
  if (r.bridges.length > 0) {
    notes.push(`int8 ports were bridged through float32 (QUANTIZE/DEQUANTIZE with the tensor's scale and zero point) in validation-only copies; all 256 int8 values round-trip exactly for ${r.bridges.length} scale/zero-point pair(s)`);
  }
  if (r.wholeCpuMs !== undefined) {
    const sum = r.segments.reduce((s, x2) => s + x2.cpuMs, 0);
    notes.push(`CPU (LiteRT, XNNPACK, median of ${o.repeats} run(s)): whole model ${r.wholeCpuMs.toFixed(1)} ms, segments in sequence ${sum.toFixed(1)} ms; CPU times are not Edge TPU predictions and are shown for the balance only`);
  }
  const runs = new Map(r.segments.map((s) => [s.index, s]));
  const verdict = r.verdict === 'bit-exact' ? 'pass' : r.verdict === 'differs' ? 'fail' : 'not-checked';
  const checkedScope = r.checkedOps < r.totalOps ? ` (ops 0..${r.checkedOps - 1} of ${r.totalOps})` : '';
  const summary =
    verdict === 'pass' ? `the segment chain's outputs equal the whole model's bit for bit on ${r.samples} seeded input set(s)${checkedScope}` :
    verdict === 'fail' && r.outputs.length === 0 ? `the segment chain breaks: ${r.notes[r.notes.length - 1]}` :
    verdict === 'fail' ? `${r.outputs.filter((c) => !c.equal).length} of ${r.outputs.length} output(s) differ between the whole model and the segment chain${checkedScope}` :
    `not checked: ${r.notes.join('; ')}`;
  return E.right({
    ...reportBase(m, 'litert'),
    verdict,
    summary,
    comparable: false,
    measuredLabel: 'CPU ms (LiteRT)',
    segments: segmentRows(m, (i) => {
      const run = runs.get(i);
      if (!run) return { note: r.verdict === 'not-checked' ? 'not run' : 'after the checked ops: not run' };
      const parts = [
        ...(run.bridgedPorts.length > 0 ? [`${run.bridgedPorts.length} int8 port(s) bridged`] : []),
        ...(run.opsChecked < m.segments[i]!.lastOp - m.segments[i]!.firstOp + 1 ? [`first ${run.opsChecked} op(s) run`] : []),
      ];
      return { measuredMs: run.cpuMs, ...(parts.length > 0 ? { note: parts.join('; ') } : {}) };
    }),
    pipeline: { batch: m.predicted.batch, predictedMsPerInput: m.predicted.msPerInput },
    differsMost: differsMost(r, m.predicted.segments.map((s) => s.ms)),
    notes,
    details: r,
  });
}
