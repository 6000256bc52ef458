import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { configInvalid, type TpusegError } from '../src/errors';
import type { Catalog } from '../src/experiments/catalog';
import { hashOf } from '../src/experiments/cell';
import { expand, type Expansion } from '../src/experiments/expand';
import { reportPaths } from './codecs';
import * as t from 'io-ts';
import { ExperimentConfig, ModelEntry, OptionalFields, StrategyEntry, withDefaults, type ResolvedConfig } from './schema';
import { readTextFile } from '../src/plan/plan-file';
import { parseJson } from '../src/json-text';

export interface LoadedConfig {
  readonly file: string;
  /** Directory relative paths in the config are resolved against. */
  readonly baseDir: string;
  readonly config: ResolvedConfig;
  /** Hash of the decoded config with defaults applied (recorded with every result). */
  readonly hash: string;
  readonly expansion: Expansion;
}

/** Decodes a parsed config and expands it; every problem is listed by its JSON path. */
export function decodeConfig(raw: unknown, file: string, catalog: Catalog, baseDir: string): E.Either<TpusegError, LoadedConfig> {
  const decoded = ExperimentConfig.decode(raw);
  if (E.isLeft(decoded)) {
    // One pass: the parts that decode are still checked against the registries, so a wrong
    // field and an unknown model are reported together.
    const rest = expand(withDefaults(decodablePart(raw)), catalog, baseDir);
    return E.left(configInvalid(file, [...reportPaths(decoded.left), ...(E.isLeft(rest) ? rest.left : [])]));
  }
  const config = withDefaults(decoded.right);
  const expansion = expand(config, catalog, baseDir);
  if (E.isLeft(expansion)) return E.left(configInvalid(file, expansion.left));
  return E.right({ file, baseDir, config, hash: hashOf(config), expansion: expansion.right });
}

/**
 * The fields of a config that decode on their own, the rest left out (defaults fill them). In
 * the model and strategy lists an entry that does not decode leaves a hole, so the others keep
 * their index in messages (expansion walks the lists with forEach, which skips holes).
 */
function decodablePart(raw: unknown): ExperimentConfig {
  const o = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const sparse = <A>(codec: t.Type<A, A, unknown>, v: unknown): A[] => {
    const out = new Array<A>(Array.isArray(v) ? v.length : 0);
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        const d = codec.decode(x);
        if (E.isRight(d)) out[i] = d.right;
      });
    }
    return out;
  };
  const part: Record<string, unknown> = { name: 'config', models: sparse(ModelEntry, o['models']), strategies: sparse(StrategyEntry, o['strategies']) };
  for (const [k, codec] of Object.entries(OptionalFields)) {
    if (o[k] !== undefined && E.isRight(codec.decode(o[k]))) part[k] = o[k];
  }
  return part as unknown as ExperimentConfig;
}

/** Reads, parses, decodes and expands a config file. */
export function loadConfig(file: string, catalog: Catalog): E.Either<TpusegError, LoadedConfig> {
  const text = readTextFile(file);
  if (E.isLeft(text)) return text;
  const raw = parseJson(text.right);
  if (E.isLeft(raw)) return E.left(configInvalid(file, [`(top level): ${raw.left}`]));
  return decodeConfig(raw.right, file, catalog, path.dirname(path.resolve(file)));
}
