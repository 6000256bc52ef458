/**
 * Expected failures as values. Every user-facing error is one of these tagged records; `bin`
 * turns them into one line on stderr and an exit code. `throw` is for defects only.
 */

export type TpusegError =
  | { readonly _tag: 'Usage'; readonly message: string }
  | { readonly _tag: 'ModelUnreadable'; readonly file: string; readonly message: string }
  | { readonly _tag: 'SchemaMismatch'; readonly file: string; readonly message: string }
  | { readonly _tag: 'ConfigInvalid'; readonly file: string; readonly problems: readonly string[] }
  | { readonly _tag: 'Infeasible'; readonly message: string }
  | { readonly _tag: 'ExportFailed'; readonly message: string }
  | { readonly _tag: 'SegmentInvalid'; readonly message: string }
  | { readonly _tag: 'WorkerFailed'; readonly strategy: string; readonly task: number; readonly message: string }
  | { readonly _tag: 'Unavailable'; readonly message: string }
  | { readonly _tag: 'FileError'; readonly file: string; readonly message: string };

export type Tag = TpusegError['_tag'];

export const usage = (message: string): TpusegError => ({ _tag: 'Usage', message });
export const modelUnreadable = (file: string, message: string): TpusegError => ({ _tag: 'ModelUnreadable', file, message });
export const schemaMismatch = (file: string, message: string): TpusegError => ({ _tag: 'SchemaMismatch', file, message });
export const configInvalid = (file: string, problems: readonly string[]): TpusegError => ({ _tag: 'ConfigInvalid', file, problems });
export const infeasible = (message: string): TpusegError => ({ _tag: 'Infeasible', message });
export const exportFailed = (message: string): TpusegError => ({ _tag: 'ExportFailed', message });
export const segmentInvalid = (message: string): TpusegError => ({ _tag: 'SegmentInvalid', message });
export const workerFailed = (strategy: string, task: number, message: string): TpusegError =>
  ({ _tag: 'WorkerFailed', strategy, task, message });
/** A tool or device the command needs is not on this machine (edgetpu_compiler, TPUs). */
export const unavailable = (message: string): TpusegError => ({ _tag: 'Unavailable', message });

/** A file or folder that cannot be read or written (missing, a folder, read-only, a link): a user error. */
export const fileError = (file: string, message: string): TpusegError => ({ _tag: 'FileError', file, message });

/** Exit codes: 2 user error, 3 infeasible request, 4 an exported segment failed validation, 5 missing tool/hardware. */
export function exitCode(e: TpusegError): number {
  switch (e._tag) {
    case 'Usage':
    case 'ModelUnreadable':
    case 'SchemaMismatch':
    case 'ConfigInvalid':
    case 'FileError':
      return 2;
    case 'Infeasible':
      return 3;
    case 'SegmentInvalid':
    case 'ExportFailed':
      return 4;
    case 'WorkerFailed':
      return 1;
    case 'Unavailable':
      return 5;
  }
}

/** One line naming what is wrong and where (ConfigInvalid with several problems: one more line per problem). */
export function formatError(e: TpusegError): string {
  switch (e._tag) {
    case 'Usage':
      return `usage error: ${e.message}`;
    case 'ModelUnreadable':
      return `${e.file}: not a readable TFLite model: ${e.message}`;
    case 'SchemaMismatch':
      return `${e.file}: unsupported TFLite model: ${e.message}`;
    case 'ConfigInvalid':
      return e.problems.length === 1
        ? `${e.file}: invalid configuration: ${e.problems[0]}`
        : `${e.file}: invalid configuration:\n${e.problems.map((p) => `  ${p}`).join('\n')}`;
    case 'Infeasible':
      return `infeasible: ${e.message}`;
    case 'ExportFailed':
      return `export failed: ${e.message}`;
    case 'SegmentInvalid':
      return `validation failed: ${e.message}`;
    case 'WorkerFailed':
      return `strategy ${e.strategy} (task ${e.task}) failed: ${e.message}`;
    case 'Unavailable':
      return `unavailable: ${e.message}`;
    case 'FileError':
      return `${e.file}: ${e.message}`;
  }
}

/** Raised inside deep pure code where threading an Either would obscure it; caught at the module's edge. */
export class TpusegFailure extends Error {
  constructor(readonly error: TpusegError) {
    super(formatError(error));
  }
}

export const isTpusegError = (u: unknown): u is TpusegError =>
  typeof u === 'object' && u !== null && typeof (u as { _tag?: unknown })._tag === 'string' &&
  ['Usage', 'ModelUnreadable', 'SchemaMismatch', 'ConfigInvalid', 'Infeasible', 'ExportFailed', 'SegmentInvalid', 'WorkerFailed', 'Unavailable', 'FileError']
    .includes((u as { _tag: string })._tag);
