import * as _ from '../../src/report/labels';
import { scatterSpec, LABELLED_PER_SERIES } from '../../src/report/figures';
import { rng } from '../../src/rng';

describe('report/labels', () => {
  it('should place labels that overlap no other label, no obstacle and not the plot edge, on random crowded points', () => {
    for (let seed = 0; seed < 8; seed++) {
      const g = rng(seed);
      // Points crowded along the diagonal, as a predicted-vs-measured scatter has them.
      const requests = Array.from({ length: 30 }, (_x, i) => {
        const t = g.next() * 400 + 30;
        return { x: t + (g.next() - 0.5) * 30, y: 460 - t + (g.next() - 0.5) * 30, text: `conv filters=${100 + i * 10}, N=${1 + (i % 4)}` };
      });
      const legend = { x0: 300, y0: 0, x1: 460, y1: 60 };
      const placed = _.placeLabels(requests, { width: 460, height: 460, fontSize: 9, obstacles: [legend] });
      expect(placed.length).toBeGreaterThan(10);
      for (const [i, a] of placed.entries()) {
        expect([a.box.x0 >= 0, a.box.y0 >= 0, a.box.x1 <= 460, a.box.y1 <= 460, _.overlaps(a.box, legend)]).toEqual([true, true, true, true, false]);
        for (const b of placed.slice(i + 1)) expect(_.overlaps(a.box, b.box)).toBe(false);
      }
    }
  });

  it('should put a lone label right of its point, and leave out a label that has no room', () => {
    const [one] = _.placeLabels([{ x: 100, y: 100, text: 'a' }], { width: 460, height: 460, fontSize: 9 });
    expect(one).toMatchObject({ index: 0, x: 105, y: 100, leader: false });
    const walled = _.placeLabels([{ x: 100, y: 100, text: 'a' }], { width: 460, height: 460, fontSize: 9, obstacles: [{ x0: 0, y0: 0, x1: 460, y1: 460 }] });
    expect(walled).toEqual([]);
  });

  it('should give the scatter labels whose boxes do not overlap, and count those left off', () => {
    // 12 series of 20 points each, all near the diagonal: the table-3 scatter's crowding.
    const g = rng('scatter');
    const points = Array.from({ length: 12 }, (_s, s) => Array.from({ length: 20 }, (_p, i) => {
      const m = Math.exp(g.next() * 3);
      return { series: `file-${s}.csv`, label: `conv x=${i * 10}, N=${1 + (s % 4)}`, measuredMs: m, predictedMs: m * (0.7 + g.next() * 0.6) };
    })).flat();
    const spec = scatterSpec(points, 't')!;
    const values = (spec['layer'] as { data: { values: Record<string, unknown>[] } }[])[1]!.data.values;
    const labelled = values.filter((v) => v['labelled']);
    const subtitle = (spec['title'] as { subtitle: string[] }).subtitle[1]!;
    if (labelled.length < 12 * LABELLED_PER_SERIES) expect(subtitle).toContain(`where a label fits (${labelled.length} of ${12 * LABELLED_PER_SERIES})`);
    expect(labelled.length).toBeGreaterThan(12);
    // Boxes back in pixels from the label anchors (log axes over the fitted domain).
    const domain = ((spec['layer'] as { data: { values: { x: number }[] } }[])[0]!.data.values).map((v) => v.x);
    const px = (ms: number): number => (460 * Math.log(ms / domain[0]!)) / Math.log(domain[1]! / domain[0]!);
    const boxes = labelled.map((v) => {
      const x0 = px(v['labelX'] as number);
      const y = 460 - px(v['labelY'] as number);
      const w = _.textWidth(v['label'] as string, 9);
      return { x0, x1: x0 + w, y0: y - 5.6, y1: y + 5.6 };
    });
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => expect(_.overlaps(a, b)).toBe(false)));
  });
});
