import * as E from 'fp-ts/Either';
import { modelUnreadable, unavailable, usage, type TpusegError } from '../errors';
import { elementCount } from '../graph/dtype';
import { modelDetails, type ModelDetails } from './inspect';
import { fromLiteRtArray, liteRt, liteRtLogMark, liteRtLogSince, toLiteRtArray, type LiteRtCompiledModel, type LiteRtTensor } from './runtime';

/**
 * Runs .tflite bytes on this machine's CPU with real TFLite (LiteRT.js, XNNPACK). Files LiteRT
 * cannot run here (unresolved custom ops, int8/int64 graph I/O) are refused before LiteRT sees
 * them, as values; a model LiteRT rejects (it logs an ERROR and would return garbage) is a
 * ModelUnreadable value. Calls are serialised: there is one LiteRT instance per process.
 */

export type TfliteArray = Float32Array | Int32Array | Uint8Array;

export interface TfliteSession {
  readonly details: ModelDetails;
  /** One inference; outputs in graph-output order, copied out of LiteRT's memory. */
  run(inputs: readonly TfliteArray[]): Promise<E.Either<TpusegError, TfliteArray[]>>;
  /** Frees the compiled model; the session cannot run afterwards. */
  close(): void;
}

const ARRAY_OF: Readonly<Record<string, string>> = { float32: 'Float32Array', int32: 'Int32Array', uint8: 'Uint8Array' };

let queue: Promise<unknown> = Promise.resolve();
function exclusive<A>(task: () => Promise<A>): Promise<A> {
  const next = queue.then(task, task);
  queue = next.catch(() => undefined);
  return next;
}

/** Loads and compiles a model for repeated runs. `label` names it in messages (a file path or segment name). */
export async function openTflite(bytes: Uint8Array, label = '<model bytes>'): Promise<E.Either<TpusegError, TfliteSession>> {
  const details = modelDetails(bytes, label);
  if (E.isLeft(details)) return details;
  if (details.right.limits.length > 0) {
    return E.left(unavailable(`LiteRT cannot run ${label}: ${details.right.limits.join('; ')}`));
  }
  const api = await liteRt();
  return exclusive(async () => {
    const mark = liteRtLogMark();
    try {
      const model = await api.loadAndCompile(bytes, { accelerator: 'wasm' });
      const errors = loggedErrors(mark);
      if (errors.length > 0) {
        model.delete();
        return E.left(modelUnreadable(label, `LiteRT rejected it: ${errors.join(' | ')}`));
      }
      return E.right(session(model, details.right, label));
    } catch (e) {
      return E.left(modelUnreadable(label, `LiteRT rejected it: ${failure(e, mark)}`));
    }
  });
}

/** Loads, runs once and frees: outputs in graph-output order. */
export async function runTflite(bytes: Uint8Array, inputs: readonly TfliteArray[], label?: string): Promise<E.Either<TpusegError, TfliteArray[]>> {
  const opened = await openTflite(bytes, label);
  if (E.isLeft(opened)) return opened;
  try {
    return await opened.right.run(inputs);
  } finally {
    opened.right.close();
  }
}

function session(model: LiteRtCompiledModel, details: ModelDetails, label: string): TfliteSession {
  let closed = false;
  return {
    details,
    run: (inputs) => {
      if (closed) throw new Error(`openTflite(${label}): run after close`);
      const bad = checkInputs(details, inputs, label);
      if (bad) return Promise.resolve(E.left(bad));
      return exclusive(async () => {
        const api = await liteRt();
        const mark = liteRtLogMark();
        const fed: LiteRtTensor[] = [];
        let outs: LiteRtTensor[] = [];
        try {
          details.inputs.forEach((t, i) => fed.push(new api.Tensor(toLiteRtArray(inputs[i]!), [...t.shape])));
          outs = await model.run(fed);
          const errors = loggedErrors(mark);
          if (errors.length > 0) return E.left(modelUnreadable(label, `LiteRT failed to run it: ${errors.join(' | ')}`));
          return E.right(outs.map((o) => fromLiteRtArray(o.toTypedArray())));
        } catch (e) {
          return E.left(modelUnreadable(label, `LiteRT failed to run it: ${failure(e, mark)}`));
        } finally {
          for (const t of [...fed, ...outs]) t.delete();
        }
      });
    },
    close: () => {
      if (!closed) model.delete();
      closed = true;
    },
  };
}

function checkInputs(details: ModelDetails, inputs: readonly TfliteArray[], label: string): TpusegError | undefined {
  if (inputs.length !== details.inputs.length) {
    return usage(`${label} takes ${details.inputs.length} input(s), got ${inputs.length}`);
  }
  for (const [i, t] of details.inputs.entries()) {
    const a = inputs[i]!;
    const want = ARRAY_OF[t.dtype];
    if (a.constructor.name !== want) return usage(`${label}: input ${i} "${t.name}" is ${t.dtype} and needs a ${want}, got a ${a.constructor.name}`);
    const n = elementCount(t.shape);
    if (a.length !== n) return usage(`${label}: input ${i} "${t.name}" has shape [${t.shape.join(',')}] (${n} values), got ${a.length}`);
  }
  return undefined;
}

/**
 * ERROR lines LiteRT logged since `mark`. LiteRT.js does not throw when a model fails to prepare
 * (a kernel rejects its shapes, "Failed to allocate tensors"): it logs and returns garbage, so
 * these lines are the failure signal.
 */
const loggedErrors = (mark: number): string[] => liteRtLogSince(mark).filter((l) => l.startsWith('ERROR'));

/** The exception's message plus the ERROR lines LiteRT logged since `mark`. */
function failure(e: unknown, mark: number): string {
  return [(e as Error)?.message ?? String(e), ...loggedErrors(mark)].join(' | ');
}
