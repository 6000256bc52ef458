import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { loadProfile } from '../../cost-models';
import { loadStrategy, loadStrategyOrFail, pluginOf } from '../../strategies';
import { optionErrors } from '../../strategies/options';
import { calibrationModel } from '../calibrate/models';
import { formatError } from '../errors';
import { parseZooSpec, zooEntry, zooNames } from '../zoo';
import { parseSynth } from '../zoo/synth';
import type { Catalog } from './catalog';
import { hashOf } from './cell';

/** Fixed splits the runner evaluates without a search (not in the strategy registry). */
export const FIXED_SPLITS: readonly string[] = ['layers'];

const messageOf = (e: Parameters<typeof formatError>[0]): string =>
  e._tag === 'ConfigInvalid' ? e.problems.join('; ') : e._tag === 'Usage' ? e.message : formatError(e);

/** The real registries: zoo, synthetic families, files on disk, strategies and profiles. */
export function liveCatalog(cwd: string): Catalog {
  return {
    zooNames,
    checkModel(spec) {
      if (spec.startsWith('zoo:')) {
        const m = /^zoo:([^@]*)/.exec(spec);
        if (zooEntry(m?.[1] ?? '') === undefined) return `unknown zoo model "${m?.[1] ?? spec}" (known: ${zooNames().join(', ')}, or zoo:* for all)`;
        const parsed = parseZooSpec(spec);
        return E.isLeft(parsed) ? messageOf(parsed.left) : undefined;
      }
      if (spec.startsWith('calib:')) {
        const g = calibrationModel(spec);
        return E.isLeft(g) ? messageOf(g.left) : undefined;
      }
      if (spec.startsWith('synth:')) {
        const p = parseSynth(spec);
        return E.isLeft(p) ? messageOf(p.left) : undefined;
      }
      try {
        return fs.statSync(spec).isFile() ? undefined : `${spec} is not a file`;
      } catch {
        return `no such model file ${spec} (or give zoo:NAME / synth:FAMILY?...)`;
      }
    },
    checkStrategy(name, options, limitMs) {
      if (FIXED_SPLITS.includes(name)) {
        return Object.keys(options).length === 0 ? [] : [['options', `the fixed split "${name}" takes no options`]];
      }
      const s = loadStrategyOrFail(name, cwd, limitMs);
      if (E.isLeft(s)) return [['name', messageOf(s.left)]];
      const decoded = s.right.options.decode(options);
      return E.isLeft(decoded) ? optionErrors(name, decoded.left).map((m) => ['options', m] as const) : [];
    },
    strategyName(file, limitMs) {
      const s = loadStrategy(file, cwd, limitMs);
      return E.isRight(s) && pluginOf(s.right) ? s.right.name : undefined;
    },
    checkProfile(nameOrPath) {
      const p = loadProfile(nameOrPath);
      return E.isLeft(p) ? messageOf(p.left) : undefined;
    },
  };
}

/** Hash of a profile's contents (so results computed under an older calibration are stale). */
export function profileHash(nameOrPath: string): string {
  const p = loadProfile(nameOrPath);
  return E.isLeft(p) ? 'unloadable' : hashOf(p.right);
}
