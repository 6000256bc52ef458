import * as E from 'fp-ts/Either';
import { workerData, type MessagePort } from 'node:worker_threads';
import { costOn } from '../search/request-cost';
import { makeProblem } from '../search/problem';
import { runTask, type TaskOutcome } from '../search/task';
import { optionErrors } from '../../strategies/options';
import type { Problem, Strategy } from '../../strategies/types';
import type { PluginReply, PluginRequest, CostRecipe } from './protocol';
import { installPluginResolver } from './resolve';

/**
 * The thread of one plug-in: it loads the plug-in's module and runs its decode, tasks and search,
 * and nothing else runs here, so whatever the plug-in does to its globals (prototypes, Math,
 * process.exit, its problem) stays with it. Every reply is posted on the port and then counted in
 * the shared `flag`, so the host can wait for it with or without its event loop.
 */
interface Init {
  readonly file: string;
  /** The path as the user gave it: the prefix of its output until its name is known. */
  readonly ref: string;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

const { file, ref, port, flag } = workerData as Init;
let label = ref;

// Its stdout is the command's output (--json): what the plug-in prints goes to stderr, each line prefixed with its name.
let pending = '';
process.stdout.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
  const lines = (pending + (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))).split('\n');
  pending = lines.pop()!;
  for (const line of lines) process.stderr.write(`${label}: ${line}\n`);
  const done = rest.find((r): r is () => void => typeof r === 'function');
  done?.();
  return true;
}) as typeof process.stdout.write;
let current = 0;

function reply(r: PluginReply): void {
  port.postMessage(r);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
}

const message = (e: unknown): string => {
  const m = typeof e === 'object' && e !== null && typeof (e as Error).message === 'string' ? (e as Error).message : String(e);
  return m.split('\n')[0]!.slice(0, 300);
};

// process.exit here ends this thread only; the host hears why, whenever it happens.
process.on('exit', (code) => {
  if (pending !== '') process.stderr.write(`${label}: ${pending}\n`);
  reply({ id: current, _tag: 'Dead', why: `called process.exit(${code})` });
});
process.on('uncaughtException', (e) => {
  reply({ id: current, _tag: 'Dead', why: `threw outside its calls: ${message(e)}` });
  process.exit(1);
});

/** A module's strategy export, if it has a well-formed one. */
function strategyOf(mod: unknown): Strategy | undefined {
  const m = mod as { strategy?: unknown; default?: unknown } | undefined;
  const candidates = [m?.strategy, m?.default, (m?.default as { strategy?: unknown } | undefined)?.strategy];
  return candidates.find((s): s is Strategy => {
    const x = s as Partial<Strategy> | undefined;
    return typeof x === 'object' && x !== null && typeof x.name === 'string' && typeof x.search === 'function' &&
      typeof x.description === 'string' && typeof (x.options as { decode?: unknown } | undefined)?.decode === 'function';
  });
}

/** Freezes a value and everything reachable from it (typed arrays' elements cannot be frozen: they are copies). */
function deepFreeze<T>(v: T, seen = new Set<unknown>()): T {
  if (v === null || typeof v !== 'object' || seen.has(v) || ArrayBuffer.isView(v)) return v;
  seen.add(v);
  for (const k of Reflect.ownKeys(v as object)) deepFreeze((v as Record<PropertyKey, unknown>)[k], seen);
  return Object.freeze(v);
}

const costs = new Map<string, ReturnType<typeof costOn>>();

/** A frozen problem for one task: the graph, constraints and cut bounds frozen (runTask gives the plug-in its own copy of `canCut`). */
function problemFor(key: string, recipe: CostRecipe | undefined, tpus: number, objective: Problem['objective'], constraints: Problem['constraints']): E.Either<string, Problem> {
  let cost = costs.get(key);
  if (!cost) {
    if (!recipe) return E.left('the host sent no model for this problem');
    cost = costOn(recipe.graph, recipe.profile, recipe.devices, recipe.opts);
    deepFreeze(recipe.graph);
    costs.set(key, cost);
  }
  const p = makeProblem(cost, tpus, objective, constraints);
  if (E.isLeft(p)) return E.left(message((p.left as { message?: string }).message ?? p.left._tag));
  const { graph: _g, cost: c, canCut, ...plain } = p.right;
  return E.right(Object.freeze({ ...deepFreeze(structuredClone(plain)), graph: c.graph, cost: c, canCut }));
}

let strategy: Strategy | undefined;

function decode(raw: unknown): E.Either<string[], unknown> {
  const r = strategy!.options.decode(raw);
  if (E.isLeft(r)) {
    let lines: string[];
    try {
      lines = optionErrors(strategy!.name, r.left);
    } catch {
      lines = [`${strategy!.name}: options rejected`];
    }
    return E.left(lines.map(String));
  }
  return E.right(r.right);
}

function handle(req: PluginRequest): PluginReply {
  const id = req.id;
  if (!strategy) return { id, _tag: 'Failed', why: 'not loaded' };
  try {
    switch (req._tag) {
      case 'Decode': {
        const d = decode(req.options);
        return E.isLeft(d) ? { id, _tag: 'Rejected', problems: d.left } : { id, _tag: 'Ok' };
      }
      case 'Tasks': {
        const d = decode(req.options);
        if (E.isLeft(d)) return { id, _tag: 'Rejected', problems: d.left };
        let n: unknown;
        try {
          n = strategy.tasks ? strategy.tasks(d.right) : 1;
        } catch (e) {
          return { id, _tag: 'Failed', why: `tasks() threw: ${message(e)}` };
        }
        return { id, _tag: 'Count', count: typeof n === 'number' ? n : 1 };
      }
      case 'Search': {
        const d = decode(req.options);
        if (E.isLeft(d)) return { id, _tag: 'Rejected', problems: d.left };
        const p = problemFor(req.costKey, req.recipe, req.tpus, req.objective, req.constraints);
        if (E.isLeft(p)) return { id, _tag: 'Failed', why: p.left };
        const out: TaskOutcome = runTask(p.right, strategy, d.right, req.seed, req.index, req.count, req.budgetMs);
        // Only plain data crosses back (a plug-in's stats may hold anything).
        return { id, _tag: 'Outcome', outcome: JSON.parse(JSON.stringify(out)) as TaskOutcome };
      }
    }
  } catch (e) {
    const where = req._tag === 'Search' ? 'search' : 'options.decode';
    return { id, _tag: 'Failed', why: `${where} threw: ${message(e)}` };
  }
}

installPluginResolver();
// The thread is up and tpuseg's own modules are loaded: from here on, the time is the plug-in's.
reply({ id: -1, _tag: 'Ready' });
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const s = strategyOf(require(file));
  if (!s) reply({ id: 0, _tag: 'Failed', why: 'exports no strategy (export const strategy = { name, description, options, search })' });
  else {
    strategy = s;
    label = String(s.name);
    reply({ id: 0, _tag: 'Loaded', name: String(s.name), description: String(s.description).split('\n')[0]!.slice(0, 300) });
  }
} catch (e) {
  reply({ id: 0, _tag: 'Failed', why: `failed to load: ${message(e)}` });
}
port.on('message', (req: PluginRequest) => {
  current = req.id;
  reply(handle(req));
});
