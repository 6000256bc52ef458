import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The Node options of this process that a worker thread accepts. A worker refuses V8 options and
 * per-process ones (`--max-old-space-size`, `--stack-size`, `--title`, ...): passed on as its
 * `execArgv` they fail the pool with ERR_WORKER_INVALID_EXEC_ARGV. V8 options hold for the whole
 * process anyway, worker heaps included. Node has no list of what a worker accepts, so it is
 * asked: a worker is made with the options (and stopped at once); when it refuses them, with each
 * option alone (a refused one costs no thread). Answers are kept for the life of the process.
 */

const known = new Map<string, boolean>();

function accepted(args: readonly string[]): boolean {
  const key = JSON.stringify(args);
  let ok = known.get(key);
  if (ok === undefined) {
    try {
      void new Worker('', { eval: true, execArgv: [...args], stdout: true, stderr: true }).terminate();
      ok = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
      ok = false;
    }
    known.set(key, ok);
  }
  return ok;
}

/** Options with their values (`--require X`): an option, then the arguments that do not start with '-'. */
function options(args: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const a of args) {
    if (a.startsWith('-') || out.length === 0) out.push([a]);
    else out.at(-1)!.push(a);
  }
  return out;
}

/** `args` without the options a worker thread refuses. */
export function workerFlags(args: readonly string[]): string[] {
  if (args.length === 0 || accepted(args)) return [...args];
  return options(args).filter((o) => accepted(o)).flat();
}

/** The TypeScript hook of the CLI (bin/register-ts.js): worker threads load it too. */
const REGISTER_TS = path.join(__dirname, '..', 'bin', 'register-ts.js');

/**
 * Node options for a worker thread running `filename`. A .ts worker gets the CLI's TypeScript hook
 * (`--require bin/register-ts.js`, cached transforms, in the thread), whether this thread runs
 * under it, tsx or jest; a parent's tsx flags are not passed on (`--import tsx` would start its
 * ESM hooks on one more thread per worker), its other options are, but for those a worker
 * refuses.
 */
export function workerExecArgv(filename: string): string[] {
  if (!filename.endsWith('.ts')) return workerFlags(process.execArgv);
  const own: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const takesValue = /^--(require|import|loader|experimental-loader)$/.test(a) || a === '-r';
    const value = takesValue ? args[i + 1] ?? '' : a.replace(/^[^=]*=?/, '');
    if (/[/\\]tsx[/\\]|^tsx(\/|$)/.test(value)) {
      if (takesValue) i++;
      continue;
    }
    own.push(a);
  }
  return [...workerFlags(own), '--require', REGISTER_TS];
}
