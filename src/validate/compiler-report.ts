/**
 * Parser for the text `edgetpu_compiler` prints (domain.md section 5). One invocation may report
 * several models; each `Input model:` line opens a model block. Handles v16 ("remaining") and 2.x
 * ("available") wording, CPU-fallback counts, the `-s` Operator Count Status table and failures
 * ("Compilation failed due to large activation tensors in model.", "Compilation failed!").
 */

export interface OperatorStatus {
  readonly operator: string;
  readonly count: number;
  readonly status: string;
}

export interface CompiledModelReport {
  readonly inputModel: string;
  readonly outputModel?: string;
  readonly inputBytes?: number;
  readonly outputBytes?: number;
  readonly onChipBytes?: number;
  /** "remaining" (v16) or "available" (2.x) on-chip memory. */
  readonly onChipFreeBytes?: number;
  readonly offChipBytes?: number;
  readonly subgraphs?: number;
  readonly totalOps?: number;
  /** Present only when some ops fall back to the CPU. */
  readonly tpuOps?: number;
  readonly cpuOps?: number;
  readonly operationLog?: string;
  readonly operators: readonly OperatorStatus[];
}

export interface CompilerReport {
  readonly version?: string;
  readonly compileMs?: number;
  readonly succeeded: boolean;
  /** The failure line(s), when the compiler said it failed. */
  readonly failure?: string;
  readonly models: readonly CompiledModelReport[];
}

const UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** "3.41MiB" -> bytes; undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(B|KiB|MiB|GiB)\s*$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SIZE_FIELDS: readonly [RegExp, keyof CompiledModelReport][] = [
  [/^Input size:\s*(.+)$/, 'inputBytes'],
  [/^Output size:\s*(.+)$/, 'outputBytes'],
  [/^On-chip memory used for caching model parameters:\s*(.+)$/, 'onChipBytes'],
  [/^On-chip memory (?:remaining|available) for caching model parameters:\s*(.+)$/, 'onChipFreeBytes'],
  [/^Off-chip memory used for streaming uncached model parameters:\s*(.+)$/, 'offChipBytes'],
];

const COUNT_FIELDS: readonly [RegExp, keyof CompiledModelReport][] = [
  [/^Number of Edge TPU subgraphs:\s*(\d+)$/, 'subgraphs'],
  [/^Total number of operations:\s*(\d+)$/, 'totalOps'],
  [/^Number of operations that will run on Edge TPU:\s*(\d+)$/, 'tpuOps'],
  [/^Number of operations that will run on CPU:\s*(\d+)$/, 'cpuOps'],
];

export function parseCompilerReport(text: string): CompilerReport {
  let version: string | undefined;
  let compileMs: number | undefined;
  let succeeded = false;
  const failures: string[] = [];
  const models: (Mutable<CompiledModelReport> & { operators: OperatorStatus[] })[] = [];
  let inTable = false;

  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const current = models[models.length - 1];
    let m: RegExpExecArray | null;
    if ((m = /^Edge TPU Compiler version\s+(\S+)/.exec(line))) {
      version = m[1];
      continue;
    }
    if ((m = /^Models? compiled successfully in\s+(\d+)\s*ms/.exec(line))) {
      compileMs = Number(m[1]);
      continue;
    }
    if ((m = /^Input model:\s*(.+)$/.exec(line))) {
      models.push({ inputModel: m[1]!, operators: [] });
      inTable = false;
      continue;
    }
    if (/^Compilation succeeded!?$/.test(line)) {
      succeeded = true;
      continue;
    }
    if (/^Compilation failed/.test(line) || /^ERROR:/.test(line) || /^Internal compiler error/.test(line)) {
      failures.push(line);
      continue;
    }
    if (!current) continue;
    if ((m = /^Output model:\s*(.+)$/.exec(line))) {
      current.outputModel = m[1]!;
      continue;
    }
    if ((m = /^Operation log:\s*(.+)$/.exec(line))) {
      current.operationLog = m[1]!;
      continue;
    }
    if (/^Operator\s+Count\s+Status$/.test(line)) {
      inTable = true;
      continue;
    }
    const size = SIZE_FIELDS.find(([re]) => re.test(line));
    if (size) {
      const v = parseSize(size[0].exec(line)![1]!);
      if (v !== undefined) (current as Record<string, unknown>)[size[1]] = v;
      continue;
    }
    const count = COUNT_FIELDS.find(([re]) => re.test(line));
    if (count) {
      (current as Record<string, unknown>)[count[1]] = Number(count[0].exec(line)![1]);
      continue;
    }
    if (inTable && (m = /^([A-Z][A-Z0-9_]*|CUSTOM:\S+)\s+(\d+)\s+(.+)$/.exec(line))) {
      current.operators.push({ operator: m[1]!, count: Number(m[2]), status: m[3]!.trim() });
    } else if (inTable && line !== '') {
      inTable = false;
    }
  }

  // 2.x compilers print no final verdict: a report that compiled models and names no failure succeeded.
  const ok = failures.length === 0 && (succeeded || (compileMs !== undefined && models.length > 0));
  return {
    ...(version !== undefined ? { version } : {}),
    ...(compileMs !== undefined ? { compileMs } : {}),
    succeeded: ok,
    ...(failures.length > 0 ? { failure: failures.join(' ') } : {}),
    models,
  };
}

/** Ops the compiler left on the CPU: the explicit count, else 0 when it reported a total. */
export const cpuOpCount = (m: CompiledModelReport): number | undefined =>
  m.cpuOps ?? (m.totalOps !== undefined ? 0 : undefined);
