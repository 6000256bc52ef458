/**
 * Progress of a run: on a terminal one bar redrawn in place (cells done/total, elapsed, ETA);
 * otherwise plain log lines: a finished cell is logged when a second has passed since the last
 * line, when it failed, and for the last cell (so thousands of tiny cells do not flood a log).
 */

export const formatDuration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

/** ETA from the pace of the cells computed in this run (resumed cells cost nothing). */
export function eta(computed: number, remaining: number, elapsedMs: number): number | undefined {
  return computed === 0 ? undefined : (elapsedMs / computed) * remaining;
}

export function formatBar(done: number, total: number, elapsedMs: number, etaMs: number | undefined, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return `[${bar}] ${done}/${total} cells  elapsed ${formatDuration(elapsedMs)}  ETA ${etaMs === undefined ? '-:--' : formatDuration(etaMs)}`;
}

export interface ProgressSink {
  /** Raw text to the terminal (no newline added), used only when `tty`. */
  readonly write: (text: string) => void;
  /** One line (a newline is added). */
  readonly log: (line: string) => void;
  readonly tty: boolean;
  /** Milliseconds from some fixed origin (performance.now at the edge). */
  readonly now: () => number;
}

export interface Progress {
  /** One cell finished; `what` is its description and outcome for the log line; `notable` forces a line. */
  tick(what: string, notable?: boolean): void;
  /** A message that must not be overdrawn by the bar. */
  note(line: string): void;
  finish(): void;
}

export function progress(sink: ProgressSink, total: number, alreadyDone: number): Progress {
  const t0 = sink.now();
  let lastLine = -Infinity;
  let done = alreadyDone;
  let computed = 0;
  const draw = (): void => {
    const elapsed = sink.now() - t0;
    sink.write(`\r${formatBar(done, total, elapsed, eta(computed, total - done, elapsed))}`);
  };
  if (sink.tty) draw();
  else if (alreadyDone > 0) sink.log(`${alreadyDone}/${total} cells already done`);
  return {
    tick(what, notable = false) {
      done += 1;
      computed += 1;
      if (sink.tty) {
        draw();
        return;
      }
      const now = sink.now();
      if (notable || done === total || now - lastLine >= 1000) {
        lastLine = now;
        sink.log(`[${done}/${total}] ${what}`);
      }
    },
    note(line) {
      if (sink.tty) {
        sink.write('\r\x1b[2K');
        sink.log(line);
        draw();
      } else sink.log(line);
    },
    finish() {
      if (sink.tty) {
        draw();
        sink.write('\n');
      }
      sink.log(`${done}/${total} cells done in ${formatDuration(sink.now() - t0)}`);
    },
  };
}
