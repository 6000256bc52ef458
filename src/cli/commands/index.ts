import type { Command } from '../command';

/** Every CLI command, in the order `tpuseg --help` lists them. */
export const commands: readonly Command[] = [
];
