import type { Command } from '../command';
import { exportModel } from './export-model';
import { inspect } from './inspect';
import { zooCommand } from './zoo';

/** Every CLI command, in the order `tpuseg --help` lists them. */
export const commands: readonly Command[] = [
  exportModel,
  inspect,
  zooCommand,
];
