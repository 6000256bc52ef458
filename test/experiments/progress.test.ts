import * as _ from '../../src/experiments/progress';

describe('experiments/progress', () => {
  describe('formatDuration', () => {
    it('should print m:ss below an hour and h:mm:ss above', () => {
      expect(_.formatDuration(0)).toBe('0:00');
      expect(_.formatDuration(61_400)).toBe('1:01');
      expect(_.formatDuration(3_725_000)).toBe('1:02:05');
    });
  });

  describe('eta', () => {
    it('should extrapolate from the cells computed in this run only', () => {
      expect(_.eta(0, 10, 5000)).toBeUndefined();
      expect(_.eta(4, 6, 2000)).toBe(3000);
    });
  });

  describe('formatBar', () => {
    it('should show done/total, elapsed and ETA', () => {
      expect(_.formatBar(5, 10, 30_000, 30_000, 10)).toBe('[#####.....] 5/10 cells  elapsed 0:30  ETA 0:30');
      expect(_.formatBar(0, 10, 0, undefined, 4)).toBe('[....] 0/10 cells  elapsed 0:00  ETA -:--');
    });
  });

  describe('progress', () => {
    const sink = (tty: boolean) => {
      const out: string[] = [];
      let t = 0;
      return { out, sink: { tty, write: (s: string) => out.push(`W${s}`), log: (l: string) => out.push(`L${l}`), now: () => (t += 1000) } };
    };

    it('should log plain lines at most once a second, and always failures and the last cell', () => {
      const out: string[] = [];
      const times = [0, 100, 200, 1300, 1400, 1500, 1600];
      const p = _.progress({ tty: false, write: () => undefined, log: (l) => out.push(l), now: () => times.shift()! }, 5, 0);
      p.tick('a');
      p.tick('b');
      p.tick('c');
      p.tick('d', true);
      p.tick('e');
      expect(out).toEqual(['[1/5] a', '[3/5] c', '[4/5] d', '[5/5] e']);
    });

    it('should log one plain line per cell when cells take a second or more', () => {
      const { out, sink: s } = sink(false);
      const p = _.progress(s, 3, 1);
      p.tick('a');
      p.tick('b');
      p.finish();
      expect(out).toEqual(['L1/3 cells already done', 'L[2/3] a', 'L[3/3] b', 'L3/3 cells done in 0:03']);
    });

    it('should redraw one bar in place on a terminal', () => {
      const { out, sink: s } = sink(true);
      const p = _.progress(s, 2, 0);
      p.tick('a');
      expect(out.every((l) => l.startsWith('W\r['))).toBe(true);
      expect(out[out.length - 1]).toContain('1/2 cells');
    });
  });
});
