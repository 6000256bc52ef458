import type { Io } from '../../src/cli/command';

/** An Io that records what a command prints, never interrupted. */
export function captureIo(cwd = '.'): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false, cwd, interrupted: new Promise(() => undefined) }, out, err };
}

/** Runs f with some environment variables set (e.g. for stand-in executables), restoring them afterwards. */
export async function withEnv<A>(vars: Record<string, string>, f: () => Promise<A>): Promise<A> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}
