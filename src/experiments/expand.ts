import * as E from 'fp-ts/Either';
import type { RunnerName } from '../../cost-models/profile';
import * as path from 'node:path';
import type { ModelEntry, Range, ResolvedConfig, SweepValues, TpuSet } from '../../experiments/schema';
import type { Catalog } from './catalog';
import { makeCell, type Cell } from './cell';
import { count, MAX_BATCH } from '../limits';

/**
 * A config expanded into cells: models (with `zoo:*` and parameter sweeps unrolled) x profiles x
 * TPU counts x seeds x strategies, in that nesting order, without duplicates. Every problem a
 * config can have beyond its shape (unknown model, strategy, option or profile, empty range)
 * is collected here with its JSON path, before any work is done.
 */

const MAX_CELLS = 100_000;

function rangeValues(r: Range): number[] | string {
  const step = r.step ?? 1;
  if (r.to < r.from) return `range is empty (from ${r.from} > to ${r.to})`;
  const n = Math.floor((r.to - r.from) / step + 1e-9) + 1;
  if (n > MAX_CELLS) return `range has ${n} values (at most ${MAX_CELLS})`;
  return Array.from({ length: n }, (_, i) => Math.round((r.from + i * step) * 1e9) / 1e9);
}

function tpuValues(s: TpuSet): number[] | string {
  if (typeof s === 'number') return [s];
  if (Array.isArray(s)) return [...new Set(s)];
  return rangeValues(s);
}

const sweepValues = (v: SweepValues): (number | string)[] | string =>
  typeof v === 'number' || typeof v === 'string' ? [v] : Array.isArray(v) ? v : rangeValues(v);

/** Every combination of the sweep's values, first key outermost. */
function combinations(sweep: Readonly<Record<string, readonly (number | string)[]>>): Record<string, number | string>[] {
  return Object.entries(sweep).reduce<Record<string, number | string>[]>(
    (acc, [k, vs]) => acc.flatMap((combo) => vs.map((v) => ({ ...combo, [k]: v }))),
    [{}],
  );
}

/**
 * A spec with one sweep combination applied: `{key}` placeholders are replaced; other keys
 * become query parameters of a `synth:`/`calib:` spec, or the input size (`size`) of a `zoo:` spec.
 */
function applySweep(spec: string, combo: Record<string, number | string>): string | { error: string } {
  let out = spec;
  const rest: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(combo)) {
    if (out.includes(`{${k}}`)) out = out.split(`{${k}}`).join(String(v));
    else rest[k] = v;
  }
  const keys = Object.keys(rest);
  if (keys.length === 0) return out;
  if (out.startsWith('synth:') || out.startsWith('calib:')) {
    const [head, query = ''] = out.split('?', 2) as [string, string?];
    const params = new URLSearchParams(query);
    for (const k of keys) params.set(k, String(rest[k]));
    return `${head}?${decodeURIComponent(params.toString())}`;
  }
  if (out.startsWith('zoo:')) {
    const other = keys.filter((k) => k !== 'size');
    if (other.length > 0) return { error: `a zoo model can only sweep "size" (or {placeholders} in its spec), not "${other[0]}"` };
    return `${out.split('@')[0]}@${rest['size']}`;
  }
  return { error: `a .tflite file has no parameters to sweep: put {${keys[0]}} in its path` };
}

/** A strategy entry that names a module file rather than a registered strategy. */
const isModulePath = (s: string): boolean => s.includes('/') || s.includes(path.sep) || /\.(ts|js|cjs|mjs)$/.test(s);

export interface Expansion {
  readonly cells: readonly Cell[];
  /** Distinct model specs in cell order. */
  readonly models: readonly string[];
}

/** File specs are checked relative to `baseDir` (the config's directory) but kept as written in cells. */
export function expand(config: ResolvedConfig, catalog: Catalog, baseDir: string): E.Either<readonly string[], Expansion> {
  const problems: string[] = [];

  const globalTpus = tpuValues(config.tpus);
  if (typeof globalTpus === 'string') problems.push(`tpus: ${globalTpus}`);

  config.profiles.forEach((p, i) => {
    const why = catalog.checkProfile(p);
    if (why !== undefined) problems.push(`profile${config.profiles.length > 1 ? `[${i}]` : ''}: ${why}`);
  });

  if (config.batch > MAX_BATCH) problems.push(`batch: at most ${count(MAX_BATCH)}, got ${count(config.batch)}`);

  const labels = new Map<string, number>();
  // A module path is relative to the config's folder; a plug-in's cells are labelled by its own name unless the entry gives a label.
  const strategies = config.strategies.map((s) => {
    const where = isModulePath(s.name) ? path.resolve(baseDir, s.name) : s.name;
    const own = isModulePath(s.name) && s.label === s.name ? catalog.strategyName?.(where, config.budget.timeMs) : undefined;
    return { ...s, where, label: own ?? s.label };
  });
  strategies.forEach((s, i) => {
    for (const [sub, why] of catalog.checkStrategy(s.where, s.options, config.budget.timeMs)) problems.push(`strategies[${i}]${sub === '' ? '' : `.${sub}`}: ${why}`);
    const key = `${s.label}`;
    const prior = labels.get(key);
    if (prior !== undefined) problems.push(`strategies[${i}]: label "${key}" is already used by strategies[${prior}] (give one a "label")`);
    else labels.set(key, i);
  });

  const models: { spec: string; tpus: readonly number[]; runner?: RunnerName; freshRunner?: boolean }[] = [];
  config.models.forEach((entry: ModelEntry, i) => {
    const at = `models[${i}]`;
    const spec = typeof entry === 'string' ? entry : entry.model;
    const specPath = typeof entry === 'string' ? at : `${at}.model`;
    let tpus = typeof globalTpus === 'string' ? [] : globalTpus;
    if (typeof entry !== 'string' && entry.tpus !== undefined) {
      const own = tpuValues(entry.tpus);
      if (typeof own === 'string') problems.push(`${at}.tpus: ${own}`);
      else tpus = own;
    }
    const sweep: Record<string, (number | string)[]> = {};
    const entrySweep: Record<string, SweepValues> = typeof entry === 'string' ? {} : entry.sweep ?? {};
    for (const [k, v] of Object.entries(entrySweep)) {
      const vs = sweepValues(v);
      if (typeof vs === 'string') problems.push(`${at}.sweep.${k}: ${vs}`);
      else sweep[k] = vs;
    }
    let bases = [spec];
    if (spec === 'zoo:*') bases = catalog.zooNames().map((n) => `zoo:${n}`);
    // Counted before the combinations are built: three keys of 100,000 values would never finish.
    const combos = Object.values(sweep).reduce((n, vs) => n * vs.length, bases.length);
    if (combos > MAX_CELLS) {
      problems.push(`${at}.sweep: ${count(combos)} model variants (the product of the sweep's value counts); at most ${MAX_CELLS}`);
      return;
    }
    for (const base of bases) {
      for (const combo of combinations(sweep)) {
        const expanded = applySweep(base, combo);
        if (typeof expanded !== 'string') {
          problems.push(`${at}.sweep: ${expanded.error}`);
          return;
        }
        const isFile = !/^(zoo|synth|calib):/.test(expanded);
        const why = catalog.checkModel(isFile ? path.resolve(baseDir, expanded) : expanded);
        if (why !== undefined) {
          problems.push(`${Object.keys(combo).length > 0 ? `${at} (${expanded})` : specPath}: ${why}`);
          return;
        }
        const runner = (typeof entry === 'string' ? undefined : entry.runner) ?? config.runner;
        const fresh = typeof entry === 'string' ? undefined : entry.freshRunner;
        models.push({ spec: expanded, tpus, ...(runner ? { runner } : {}), ...(fresh ? { freshRunner: true } : {}) });
      }
    }
  });

  // A config that did not decode whole is expanded for its problems with holes where its bad
  // entries were (experiments/load.ts): forEach skips them, and so must the cells.
  const listed = strategies.filter(() => true);
  const total = models.reduce((n, m) => n + m.tpus.length, 0) * config.profiles.length * config.seeds.length * listed.length;
  if (total > MAX_CELLS) problems.push(`(top level): the config expands into ${count(total)} cells (models x TPU counts x profiles x seeds x strategies); at most ${MAX_CELLS}`);
  if (problems.length > 0) return E.left([...new Set(problems)]);

  const seen = new Set<string>();
  const cells: Cell[] = [];
  for (const m of models) {
    for (const profile of config.profiles) {
      for (const tpus of m.tpus) {
        for (const seed of config.seeds) {
          for (const s of listed) {
            const cell = makeCell({
              model: m.spec, tpus, strategy: s.name, options: s.options, label: s.label, profile,
              ...(m.runner ? { runner: m.runner } : {}), ...(m.freshRunner ? { freshRunner: true } : {}),
              objective: config.objective, batch: config.batch, seed, budget: config.budget,
            });
            if (seen.has(cell.id)) continue;
            seen.add(cell.id);
            cells.push(cell);
            if (cells.length > MAX_CELLS) return E.left([`(top level): the config expands into more than ${MAX_CELLS} cells`]);
          }
        }
      }
    }
  }
  return E.right({ cells, models: [...new Set(models.map((m) => m.spec))] });
}
