import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configInvalid, usage, type TpusegError } from '../src/errors';
import type { Catalog } from '../src/experiments/catalog';
import { hashOf } from '../src/experiments/cell';
import { expand, type Expansion } from '../src/experiments/expand';
import { reportPaths } from './codecs';
import { ExperimentConfig, withDefaults, type ResolvedConfig } from './schema';
import { fileErrorReason } from '../src/file-errors';

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
  if (E.isLeft(decoded)) return E.left(configInvalid(file, reportPaths(decoded.left)));
  const config = withDefaults(decoded.right);
  const expansion = expand(config, catalog, baseDir);
  if (E.isLeft(expansion)) return E.left(configInvalid(file, expansion.left));
  return E.right({ file, baseDir, config, hash: hashOf(config), expansion: expansion.right });
}

/** Reads, parses, decodes and expands a config file. */
export function loadConfig(file: string, catalog: Catalog): E.Either<TpusegError, LoadedConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return E.left(usage(`cannot read config ${file}: ${fileErrorReason(e)}`));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return E.left(configInvalid(file, [`(top level): not valid JSON: ${(e as Error).message}`]));
  }
  return decodeConfig(raw, file, catalog, path.dirname(path.resolve(file)));
}
