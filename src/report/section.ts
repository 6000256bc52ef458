import type { RatioBand } from '../../cost-models/bands';
import type { Mapping } from '../calibrate/mapping';
import type { Table } from './format';
import { DEFAULT_RUNNER } from '../../cost-models/names';
import { runnerName, type Row, type Speedup } from './data';

/** One table of a report: a Markdown page (text and tables) plus the same numbers as CSV. */
export interface Section {
  /** File stem: `<name>.md`, `<name>.csv`. */
  readonly name: string;
  readonly title: string;
  /** Paragraphs stating the profile, batch and assumptions the numbers rest on. */
  readonly notes: readonly string[];
  /** One line with the main finding, repeated on the index page. */
  readonly headline?: string;
  readonly blocks: readonly { readonly caption?: string; readonly table: Table }[];
  /** The first block is the per-strategy summary: the HTML page shows it before the figures. */
  readonly summary?: boolean;
  /** The HTML page shows the plan view with this section. */
  readonly planView?: boolean;
  readonly csv: Table;
  /** Messages about inputs that were absent or skipped (e.g. measurement files). */
  readonly skipped: readonly string[];
  /** Predicted vs measured pairs, for the scatter figure. */
  readonly scatter?: readonly ScatterPoint[];
}

export interface ScatterPoint {
  /** Series: the measurement file or table column. */
  readonly series: string;
  readonly label: string;
  readonly measuredMs: number;
  readonly predictedMs: number;
}

export interface ReportInput {
  readonly rows: readonly Row[];
  readonly speedups: ReadonlyMap<string, Speedup>;
  /** Published single-TPU figures (CSV text), when available. */
  readonly published?: { readonly file: string; readonly text: string };
  /** Which model, split and batch each measurement file was taken with. */
  readonly mapping?: Mapping;
  /** Measurement CSVs by file name, when available. */
  readonly measurements?: { readonly dir: string; readonly files: ReadonlyMap<string, string> };
  /** Where `published`/`measurements` were looked for, for the "skipped" message. */
  readonly missing: readonly string[];
  /** One-line descriptions of the strategies by name (the built-ins, the fixed split, and plug-ins by their names). */
  readonly strategyNotes?: ReadonlyMap<string, string>;
  /** The plug-ins among the cells' strategies, by name, with the description each gave. */
  readonly pluginNotes?: ReadonlyMap<string, string>;
  /** The experiment is the paper's table 2 (experiments/multi-tpu.json): its headline sets the paper's figure beside ours. */
  readonly paper?: boolean;
  /** Each profile's speedup band, when it has one (for what the bands rest on). */
  readonly ratioBands?: ReadonlyMap<string, RatioBand>;
}

/** The assumptions line shared by every table: profiles, batch size, objective. */
export function assumptions(rows: readonly Row[]): string {
  const profiles = [...new Set(rows.map((r) => r.profile))];
  const batches = [...new Set(rows.map((r) => r.batch))];
  const objectives = [...new Set(rows.map((r) => r.objective))];
  const goal: Record<string, string> = { throughput: 'the steady-state time per input', batch: 'the batch time', latency: 'the single-input latency' };
  const runners = [...new Set(rows.filter((r) => r.tpus > 1).map((r) => r.runner))];
  const oneStage = rows.length > 0 && rows.every((r) => r.tpus === 1);
  return `Predicted with the cost model under profile${profiles.length > 1 ? 's' : ''} ${profiles.map((p) => `\`${p}\``).join(', ')}; ` +
    `time per input for a pipelined batch of ${batches.join('/')} inputs, (sum of stage times + first invokes on a fresh runner + (B-1) x steady state) / B, ` +
    'the steady state being the slowest stage or a resource every stage shares (src/pipeline/evaluate.ts); ' +
    (oneStage ? 'one segment per model, a plain invoke with no pipeline runner; '
      : `pipelines run by ${runners.length > 0 ? runners.map(runnerName).join(' / ') : runnerName(DEFAULT_RUNNER)} (one segment: a plain invoke); `) +
    `searchers minimize ${objectives.map((o) => goal[o] ?? o).join(' / ')}; no hardware was used for these numbers.`;
}
