import * as path from 'node:path';
import { writeFileSafe } from '../safe-write';
import type { Manifest } from '../export/manifest';

/**
 * The validation report every backend produces, written as `validation-<backend>.json` and
 * `validation-<backend>.md` into the export directory: per segment predicted vs measured, the
 * verdict, and what differs most.
 */

export type Backend = 'litert' | 'edgetpu' | 'sim';
export type Verdict = 'pass' | 'fail' | 'not-checked';

export interface SegmentRow {
  readonly index: number;
  readonly file: string;
  readonly firstOp: number;
  readonly lastOp: number;
  readonly predictedMs: number;
  readonly measuredMs?: number;
  readonly predictedOnChipMiB: number;
  readonly predictedOffChipMiB: number;
  readonly measuredOnChipMiB?: number;
  readonly measuredOffChipMiB?: number;
  /** Anything else worth a column (CPU ops, bridged ports, compiler failure). */
  readonly note?: string;
}

export interface ValidationReport {
  readonly backend: Backend;
  readonly model: string;
  readonly spec: string;
  readonly strategy: string;
  readonly cuts: readonly number[];
  readonly profile: string;
  readonly verdict: Verdict;
  /** One line: the verdict and why. */
  readonly summary: string;
  /** What "measured" means for this backend. */
  readonly measuredLabel: string;
  /** False when measured and predicted are different things (CPU ms vs Edge TPU ms): no difference is shown. */
  readonly comparable: boolean;
  readonly segments: readonly SegmentRow[];
  readonly pipeline: { readonly batch: number; readonly predictedMsPerInput: number; readonly measuredMsPerInput?: number };
  readonly differsMost: string;
  readonly notes: readonly string[];
  /** The backend's own details (comparisons, compiler reports, runner output). */
  readonly details: unknown;
}

const MiB = 1024 * 1024;

export function reportBase(m: Manifest, backend: Backend): Omit<ValidationReport, 'verdict' | 'summary' | 'measuredLabel' | 'comparable' | 'segments' | 'pipeline' | 'differsMost' | 'notes' | 'details'> {
  return { backend, model: m.model.name, spec: m.model.spec, strategy: m.predicted.strategy, cuts: m.predicted.cuts, profile: m.profile };
}

/** Segment rows with the predictions filled in; `measured(i)` adds what the backend found. */
export function segmentRows(m: Manifest, measured: (i: number) => Partial<SegmentRow>): SegmentRow[] {
  return m.segments.map((s, i) => {
    const p = m.predicted.segments[i]!;
    return {
      index: s.index,
      file: s.file,
      firstOp: s.firstOp,
      lastOp: s.lastOp,
      predictedMs: p.ms,
      predictedOnChipMiB: p.onChipBytes / MiB,
      predictedOffChipMiB: p.offChipBytes / MiB,
      ...measured(i),
    };
  });
}

/** Relative error (measured - predicted) / predicted; undefined when either is missing or predicted is 0. */
export const relError = (predicted: number, measured: number | undefined): number | undefined =>
  measured === undefined || !Number.isFinite(measured) || predicted === 0 ? undefined : (measured - predicted) / predicted;

const num = (x: number | undefined, digits = 2): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const pct = (x: number | undefined): string => (x === undefined ? '-' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);

export function renderMarkdown(r: ValidationReport): string {
  const diff = (p: number, m: number | undefined): string => (r.comparable ? pct(relError(p, m)) : 'n/a');
  const pipeline = r.pipeline.measuredMsPerInput === undefined
    ? 'not measured by this backend.'
    : `measured ${num(r.pipeline.measuredMsPerInput)} ms per input (${diff(r.pipeline.predictedMsPerInput, r.pipeline.measuredMsPerInput)}).`;
  const lines = [
    `# Validation of ${r.model} (${r.backend})`,
    '',
    `- model: \`${r.spec}\``,
    `- plan: ${r.strategy}, cuts ${r.cuts.length > 0 ? r.cuts.join(', ') : 'none'} (${r.segments.length} segment(s)); profile ${r.profile}`,
    `- **verdict: ${r.verdict}**: ${r.summary}`,
    `- what differs most: ${r.differsMost}`,
    '',
    `| segment | ops | predicted ms | ${r.measuredLabel} | diff | on-chip MiB pred / meas | off-chip MiB pred / meas | note |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...r.segments.map((s) =>
      `| ${s.index} \`${s.file}\` | ${s.firstOp}..${s.lastOp} | ${num(s.predictedMs)} | ${num(s.measuredMs)} | ${diff(s.predictedMs, s.measuredMs)} | ` +
      `${num(s.predictedOnChipMiB)} / ${num(s.measuredOnChipMiB)} | ${num(s.predictedOffChipMiB)} / ${num(s.measuredOffChipMiB)} | ${s.note ?? ''} |`),
    '',
    `Pipeline, batch of ${r.pipeline.batch}: predicted ${num(r.pipeline.predictedMsPerInput)} ms per input; ${pipeline}`,
  ];
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/** Writes validation-<backend>.json and .md into dir; returns their paths. */
export function writeReport(dir: string, r: ValidationReport): string[] {
  const base = path.join(dir, `validation-${r.backend}`);
  writeFileSafe(`${base}.json`, `${JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
  writeFileSafe(`${base}.md`, renderMarkdown(r));
  return [`${base}.json`, `${base}.md`];
}
