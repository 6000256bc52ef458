import type { Command } from '../command';
import { calibrateCommand } from './calibrate';
import { exportCommand } from './export';
import { exportModel } from './export-model';
import { inspect } from './inspect';
import { predictCommand } from './predict';
import { reportCommand } from './report';
import { reproduceCommand } from './reproduce';
import { runCommand } from './run';
import { segmentCommand } from './segment';
import { validateCommand } from './validate';
import { zooCommand } from './zoo';

/** Every CLI command, in the order `tpuseg --help` lists them. */
export const commands: readonly Command[] = [
  inspect,
  zooCommand,
  exportModel,
  predictCommand,
  calibrateCommand,
  segmentCommand,
  exportCommand,
  validateCommand,
  runCommand,
  reportCommand,
  reproduceCommand,
];
