/**
 * Discrete-event simulation of a segment pipeline as pycoral's PipelinedModelRunner runs it
 * (domain.md section 6): a producer pushes B inputs into the first queue, one thread per stage pops
 * an input, runs its segment and pushes the result into the next queue, a consumer pops the last.
 * Queues between stages hold `queueCapacity` items (one in pycoral/libcoral); a stage that finishes
 * while its output queue is full blocks, holding its result, until the next stage takes one.
 *
 * With the same time for every input at each stage, the batch takes exactly
 * sum + (B - 1) x max, the closed form of `evaluate.ts`: the slowest stage never waits once it
 * has started, and the stages behind it never hold it back. The two part when stage times vary
 * from input to input: then a full one-slot queue blocks the stage before it, and the batch takes
 * longer than with unbounded queues (and than the closed form of the mean times).
 */

export interface SimulationResult {
  /** Time from the first push to the last pop. */
  readonly makespanMs: number;
  readonly msPerInput: number;
  /** When each input left the last stage. */
  readonly completionMs: readonly number[];
  /** Time each stage spent blocked on a full output queue. */
  readonly blockedMs: readonly number[];
}

export type StageTime = (stage: number, input: number) => number;

type StageState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy'; readonly input: number; readonly until: number }
  | { readonly kind: 'blocked'; readonly input: number; readonly since: number };

export function simulatePipeline(
  times: readonly number[] | StageTime,
  stages: number,
  batch: number,
  queueCapacity = 1,
): SimulationResult {
  const time: StageTime = typeof times === 'function' ? times : (s) => times[s]!;
  if (!(Number.isInteger(stages) && stages >= 1)) throw new RangeError(`stages must be a positive integer, got ${stages}`);
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  if (!(queueCapacity >= 1)) throw new RangeError(`queue capacity must be at least 1, got ${queueCapacity}`);

  // queues[s] feeds stage s; queues[stages] is the consumer's, which never fills.
  const queues: number[][] = Array.from({ length: stages + 1 }, () => []);
  const state: StageState[] = Array.from({ length: stages }, () => ({ kind: 'idle' }));
  const blockedMs = new Array<number>(stages).fill(0);
  const completionMs = new Array<number>(batch).fill(NaN);
  let nextInput = 0;
  let done = 0;
  let now = 0;

  const hasRoom = (q: number): boolean => q === stages || queues[q]!.length < queueCapacity;

  while (done < batch) {
    // Instantaneous moves at `now`, downstream first, until nothing changes.
    let moved = true;
    while (moved) {
      moved = false;
      while (queues[stages]!.length > 0) {
        completionMs[queues[stages]!.shift()!] = now;
        done++;
        moved = true;
      }
      for (let s = stages - 1; s >= 0; s--) {
        const st = state[s]!;
        if (st.kind === 'blocked' && hasRoom(s + 1)) {
          queues[s + 1]!.push(st.input);
          blockedMs[s] = blockedMs[s]! + (now - st.since);
          state[s] = { kind: 'idle' };
          moved = true;
        }
        if (state[s]!.kind === 'idle' && queues[s]!.length > 0) {
          const input = queues[s]!.shift()!;
          const t = time(s, input);
          if (!(t >= 0 && Number.isFinite(t))) throw new RangeError(`stage ${s} time for input ${input} is ${t}`);
          state[s] = { kind: 'busy', input, until: now + t };
          moved = true;
        }
      }
      if (nextInput < batch && hasRoom(0)) {
        queues[0]!.push(nextInput++);
        moved = true;
      }
      // A stage with a zero time finishes at once.
      for (let s = 0; s < stages; s++) {
        const st = state[s]!;
        if (st.kind === 'busy' && st.until <= now) {
          state[s] = { kind: 'blocked', input: st.input, since: now };
          moved = true;
        }
      }
    }
    if (done >= batch) break;
    let next = Infinity;
    for (const st of state) if (st.kind === 'busy') next = Math.min(next, st.until);
    if (next === Infinity) throw new Error('pipeline simulation stalled');
    now = next;
  }
  return { makespanMs: now, msPerInput: now / batch, completionMs, blockedMs };
}
