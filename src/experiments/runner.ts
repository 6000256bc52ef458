import type { Cell, CellParams } from './cell';
import type { Progress } from './progress';
import { classify, openAppender, readStore, repairStore, writeStore, type CellRecord, type ResultObject } from './store';

/**
 * Runs the cells of an experiment that are not already in the results store, appending each
 * finished cell at once, and leaves the store holding exactly the config's cells in cell order
 * once every cell is done (so an interrupted and resumed run ends with the same file as an
 * uninterrupted one, timings aside).
 */

/** What running one cell produced, besides the cell itself. */
export interface CellOutcome {
  readonly result?: ResultObject;
  readonly error?: string;
  readonly modelOps?: number;
  readonly modelParamBytes?: number;
  readonly modelInput?: readonly number[];
  /** Stopped by Ctrl-C before it finished: not recorded, so the next run computes it. */
  readonly interrupted?: boolean;
  /** A plug-in's own name and description (its cell names it by path). */
  readonly strategyName?: string;
  readonly strategyDescription?: string;
}

export interface Executor {
  /** Runs cells that share model, N, profile, objective, batch, seed and budget (they differ only by strategy). */
  runGroup(cells: readonly Cell[]): Promise<readonly CellOutcome[]>;
  close(): Promise<void>;
}

export interface RunOptions {
  readonly store: string;
  readonly force: boolean;
  /** The code identity a cell's record carries (per cell: its strategy's code), so results of other code are stale. */
  readonly tool: string | ((params: CellParams) => string);
  readonly configHash: string;
  readonly profileHash: (profile: string) => string;
  /** Groups in flight at once (each group fans out over the pool). */
  readonly concurrency: number;
  readonly progress: (total: number, alreadyDone: number) => Progress;
  readonly log: (line: string) => void;
  readonly interrupted: Promise<void>;
}

export interface RunSummary {
  /** Records of the config's cells that are done, in cell order. */
  readonly records: readonly CellRecord[];
  readonly computed: number;
  readonly reused: number;
  readonly stale: number;
  readonly failed: number;
  readonly interrupted: boolean;
}

const groupKey = (c: Cell): string => JSON.stringify([c.model, c.tpus, c.profile, c.runner ?? '', c.freshRunner === true, c.objective, c.batch, c.seed, c.budget]);

/** Cells grouped by everything but the strategy, groups in order of first appearance. */
export function groupCells(cells: readonly Cell[]): Cell[][] {
  const groups = new Map<string, Cell[]>();
  for (const c of cells) {
    const k = groupKey(c);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  return [...groups.values()];
}

const paramsOf = ({ id: _id, ...params }: Cell): CellParams => params;

export async function runCells(cells: readonly Cell[], executor: Executor, opts: RunOptions): Promise<RunSummary> {
  let existing: readonly CellRecord[] = [];
  if (opts.force) writeStore(opts.store, []);
  else {
    const contents = readStore(opts.store);
    if (repairStore(opts.store, contents)) opts.log(`${opts.store}: cut off a torn last line left by an earlier crash`);
    if (contents.badLines.length > 0) opts.log(`${opts.store}: ignored ${contents.badLines.length} unreadable line(s): ${contents.badLines.slice(0, 5).join(', ')}`);
    existing = contents.records;
  }
  const ids = new Set(cells.map((c) => c.id));
  const freshness = classify(existing, ids, opts.tool, opts.profileHash);
  if (freshness.failed > 0) opts.log(`${freshness.failed} cell(s) failed in an earlier run; they are tried again`);
  for (const s of freshness.stale.slice(0, 3)) opts.log(`stale result for cell ${s.record.cell} (${s.record.params.model} N=${s.record.params.tpus} ${s.record.params.label}): ${s.reason}; recomputing`);
  if (freshness.stale.length > 3) opts.log(`... ${freshness.stale.length - 3} more stale results are recomputed`);
  const otherConfig = [...freshness.fresh.values()].filter((r) => r.config !== opts.configHash);
  if (otherConfig.length > 0) {
    opts.log(`${otherConfig.length} result(s) were computed under an earlier version of this config (hash ${otherConfig[0]!.config}); their cells are unchanged, so they are reused`);
  }
  if (freshness.orphans > 0) opts.log(`${freshness.orphans} stored result(s) belong to cells this config no longer has; they are dropped when the run completes`);

  const done = new Map<string, CellRecord>(freshness.fresh);
  const pending = cells.filter((c) => !done.has(c.id));
  const progress = opts.progress(cells.length, cells.length - pending.length);
  const appender = openAppender(opts.store);
  let stop = false;
  void opts.interrupted.then(() => {
    stop = true;
  });
  let failed = 0;
  const queue = groupCells(pending);
  const worker = async (): Promise<void> => {
    for (let group = queue.shift(); group !== undefined && !stop; group = queue.shift()) {
      const outcomes = await executor.runGroup(group);
      const finished = group.flatMap((cell, i) => (outcomes[i]?.interrupted ? [] : [{ cell, o: outcomes[i] ?? { error: 'the executor returned no outcome for this cell' } }]));
      const records = finished.map(({ cell, o }): CellRecord => {
        return {
          cell: cell.id, tool: typeof opts.tool === 'string' ? opts.tool : opts.tool(cell), config: opts.configHash, profileHash: opts.profileHash(cell.profile), params: paramsOf(cell),
          ...(o.modelOps !== undefined ? { modelOps: o.modelOps } : {}),
          ...(o.modelParamBytes !== undefined ? { modelParamBytes: o.modelParamBytes } : {}),
          ...(o.modelInput !== undefined ? { modelInput: o.modelInput } : {}),
          ...(o.result !== undefined ? { result: o.result } : {}),
          ...(o.error !== undefined ? { error: o.error } : {}),
          ...(o.strategyName !== undefined ? { strategyName: o.strategyName } : {}),
          ...(o.strategyDescription !== undefined ? { strategyDescription: o.strategyDescription } : {}),
        };
      });
      appender.append(records);
      for (const r of records) {
        done.set(r.cell, r);
        if (r.error !== undefined) failed += 1;
        const outcome = r.error !== undefined ? `failed: ${r.error}` : `${r.result!.msPerInput.toFixed(3)} ms/input`;
        progress.tick(`${r.params.model} N=${r.params.tpus} ${r.params.label} (${r.params.profile}): ${outcome}`, r.error !== undefined);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    appender.close();
  }
  progress.finish();
  const complete = cells.every((c) => done.has(c.id));
  const records = cells.flatMap((c) => (done.has(c.id) ? [done.get(c.id)!] : []));
  if (complete) writeStore(opts.store, records);
  return {
    records, computed: done.size - freshness.fresh.size, reused: freshness.fresh.size, stale: freshness.stale.length,
    failed, interrupted: !complete,
  };
}
