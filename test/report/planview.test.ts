import * as E from 'fp-ts/Either';
import * as _ from '../../src/report/planview';
import { zooModel } from '../../src/zoo';

const seg = (firstOp: number, lastOp: number, ms: number, off = 0) => ({
  firstOp, lastOp, ops: lastOp - firstOp + 1, paramBytes: 2 * 1024 * 1024, onChipBytes: 2 * 1024 * 1024 - off, offChipBytes: off, inBytes: 1024, outBytes: 2048, ms,
});

describe('report/planview', () => {
  const cells = [
    { model: 'zoo:m', tpus: 1, strategy: 'compiler', msPerInput: 9, segments: [seg(0, 9, 9, 1024 * 1024)] },
    { model: 'zoo:m', tpus: 2, strategy: 'compiler', msPerInput: 6, segments: [seg(0, 6, 6), seg(7, 9, 2)] },
    { model: 'zoo:m', tpus: 2, strategy: 'dp', msPerInput: 4, segments: [seg(0, 4, 4), seg(5, 9, 4)] },
    { model: 'zoo:n', tpus: 2, strategy: 'dp', msPerInput: 1, segments: [seg(0, 1, 1), seg(2, 3, 1)] },
  ];
  const ops = { model: 'zoo:m', ops: Array.from({ length: 10 }, (_x, i) => ({ name: `t${i}`, type: 'CONV_2D', paramBytes: 1024 * i, macs: 1e6 })) };
  const spec = _.planViewSpec(cells, [ops], { tpus: 2 })!;
  const datasets = spec['datasets'] as { segments: Record<string, unknown>[]; ops: Record<string, unknown>[] };

  it('should give every stage of every plan as a span of ops, with its time and bytes', () => {
    expect(datasets.segments.filter((s) => s['model'] === 'm' && s['tpus'] === 2 && s['strategy'] === 'dp')).toEqual([
      { model: 'm', tpus: 2, strategy: 'dp', stage: 1, start: 0, end: 5, ops: 5, ms: 4, slowest: true, msPerInput: 4, paramMiB: 2, onChipMiB: 2, offChipMiB: 0, inKiB: 1, outKiB: 2 },
      { model: 'm', tpus: 2, strategy: 'dp', stage: 2, start: 5, end: 10, ops: 5, ms: 4, slowest: true, msPerInput: 4, paramMiB: 2, onChipMiB: 2, offChipMiB: 0, inKiB: 1, outKiB: 2 },
    ]);
    expect(datasets.segments.find((s) => s['tpus'] === 1)).toMatchObject({ onChipMiB: 1, offChipMiB: 1 });
  });

  it('should list the ops of the models it knows, and let the page choose the model and N', () => {
    expect(datasets.ops).toHaveLength(10);
    expect(datasets.ops[3]).toEqual({ model: 'm', i: 3, end: 4, name: 't3', type: 'CONV_2D', paramKiB: 3, mmacs: 1 });
    expect(spec['params']).toEqual([
      { name: 'model', value: 'm', bind: { input: 'select', options: ['m', 'n'], name: 'model ' } },
      { name: 'tpus', value: 2, bind: { input: 'select', options: [1, 2], name: 'TPUs (N) ' } },
    ]);
  });

  it('should leave out the choice when there is nothing to choose, and give nothing without plans', () => {
    const one = _.planViewSpec([cells[2]!], [ops])!;
    expect(one['params']).toEqual([{ name: 'model', value: 'm' }, { name: 'tpus', value: 2 }]);
    expect(_.planViewSpec([], [ops])).toBeUndefined();
  });

  it('should point at the select boxes above it only when there is a choice', () => {
    const subtitle = (x: Record<string, unknown>): unknown => (x['title'] as { subtitle: unknown }).subtitle;
    expect(subtitle(spec)).toBe('choose the model and N above; hover an op or a stage for its numbers');
    expect(subtitle(_.planViewSpec([cells[2]!], [ops], { subtitle: 'profile p' })!)).toBe('profile p; hover an op or a stage for its numbers');
  });

  it('should ask for whole-number op ticks (the browser test reads them off a 6-op model)', () => {
    const axes = JSON.stringify(spec).match(/"title":"op \(execution order\)"[^}]*\},"axis":\{[^}]*\}/g) ?? [];
    expect(axes.length).toBeGreaterThan(0);
    for (const a of axes) expect(a).toContain('"axis":{"tickMinStep":1,"format":"d"}');
  });

  it('should name each op of a real graph by its output tensor', () => {
    const g = zooModel('zoo:mobilenet_v1');
    if (E.isLeft(g)) throw new Error('zoo model failed to build');
    const o = _.opsOf('zoo:mobilenet_v1', g.right);
    expect(o.ops).toHaveLength(g.right.ops.length);
    expect(o.ops[0]!.type).toBe(g.right.ops[0]!.type);
    expect(o.ops[0]!.name).toBe(g.right.tensors[g.right.ops[0]!.outputs[0]!]!.name);
  });
});
