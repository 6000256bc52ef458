import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile, withValues } from '../../cost-models';
import { advise, type Advice } from '../../src/advise/advise';
import { adviseWorkload, prepare, type WorkloadAdvice } from '../../src/workload/advise';
import { assignmentOf, partitions, searchWorkload, unitOptions, type Assignment, type Option, type SearchInput } from '../../src/workload/search';
import { boardCost } from '../advise/fixtures';
import { searchLayouts } from '../../src/advise/search';
import { CapacityModels, hostCapacity, hostFacts, tpuLoadMs, type HostFacts, type SharedUnit } from '../../src/workload/share';
import type { Workload } from '../../src/workload/spec';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};
const rates = (specs: readonly (readonly [string, number])[]): Workload => ({ mode: 'rates', models: specs.map(([model, rate], i) => ({ model, name: `m${i}`, rate })) });
const weights = (specs: readonly (readonly [string, number])[]): Workload => ({ mode: 'weights', models: specs.map(([model, weight], i) => ({ model, name: `m${i}`, weight })) });

/** Every assignment: every partition, every option of every unit, no pruning. */
function bruteForce(s: SearchInput): (number | undefined)[] {
  const cap = new CapacityModels(s.host);
  const best: (number | undefined)[] = Array.from({ length: s.tpus }, () => undefined);
  for (const p of partitions(s.models.map((_, i) => i))) {
    const lists = p.map((b) => unitOptions(s, b, cap));
    const walk = (i: number, chosen: Option[]): void => {
      if (i === lists.length) {
        const a = assignmentOf(chosen, s.host);
        if (a.tpus > s.tpus) return;
        for (let m = a.tpus; m <= s.tpus; m++) if (best[m - 1] === undefined || a.lambda > best[m - 1]!) best[m - 1] = a.lambda;
        return;
      }
      for (const o of lists[i]!) walk(i + 1, [...chosen, o]);
    };
    walk(0, []);
  }
  return best;
}

function inputOf(w: Workload, tpus: number, profile?: string): SearchInput {
  const p = right(prepare({ workload: w, tpus, ...(profile ? { profile } : {}) }));
  return {
    models: p.advice.map((a) => ({ member: { graph: a.graph, cost: a.cost }, configurations: a.evaluations })),
    rates: w.models.map((m) => m.rate ?? m.weight!), tpus, host: p.host,
  };
}

let sharedLinkProfile: string;
beforeAll(() => {
  // A host whose TPUs share one USB link and two cores: the host's bounds come into play.
  const p = right(loadProfile('edgetpu-usb3'));
  const q = withValues(p, { linkSharedMBps: 40, hostCores: 1 }, 'test: a shared link');
  sharedLinkProfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-workload-')), 'shared.json');
  fs.writeFileSync(sharedLinkProfile, JSON.stringify({ ...q, name: 'shared-link' }));
});

describe('the workload search', () => {
  it('should agree with enumerating every assignment on small cases', () => {
    const cases: [Workload, number, boolean][] = [
      [rates([['zoo:mobilenet_v2', 300], ['zoo:mobilenet_v1', 100]]), 3, false],
      [rates([['zoo:mobilenet_v2', 50], ['zoo:mobilenet_v1', 50], ['zoo:efficientnet_edgetpu_s', 20]]), 3, false],
      [weights([['zoo:mobilenet_v1', 1], ['zoo:resnet50_v1', 3]]), 3, true],
      [rates([['zoo:mobilenet_v2', 400], ['zoo:mobilenet_v1', 200], ['zoo:inception_v1', 100]]), 2, true],
    ];
    for (const [w, K, shared] of cases) {
      const s = inputOf(w, K, shared ? sharedLinkProfile : undefined);
      const found = searchWorkload(s).bestUpTo.map((a) => a?.lambda);
      const all = bruteForce(s);
      expect(found.length).toBe(all.length);
      found.forEach((l, m) => expect(l).toBeCloseTo(all[m]!, 9));
    }
  });

  it('should agree with enumerating every assignment on table models whose host demands pull against their throughput', () => {
    // Random segment costs with demands on the interpreter lock, the link and the cores, one core,
    // a shared link: options that serve more can load the host more, so pruning must weigh both.
    const host = hostFacts(withValues(right(loadProfile('edgetpu-usb3')), { linkSharedMBps: 50, hostCores: 1 }, 'test'), 'pycoral');
    const K = 3;
    for (let seed = 0; seed < 30; seed++) {
      const models = [0, 1].map((i) => {
        const cost = boardCost(5, `${seed}-${i}`, { shared: true, cores: 1 });
        return { member: { graph: cost.graph, cost }, configurations: right(searchLayouts({ cost, tpus: K, objective: 'throughput', batch: 15 })).candidates };
      });
      const s: SearchInput = { models, rates: [30 + seed, 20], tpus: K, host };
      const found = searchWorkload(s).bestUpTo.map((a) => a?.lambda);
      const all = bruteForce(s);
      found.forEach((l, m) => expect(l).toBeCloseTo(all[m]!, 9));
    }
  });

  it('should give exactly advise\'s answer for a workload of one model', () => {
    for (const [model, K] of [['zoo:mobilenet_v2', 4], ['zoo:resnet50_v1', 4], ['zoo:inception_v3', 8]] as const) {
      const a: Advice = right(advise({ model, tpus: K }));
      const w: WorkloadAdvice = right(adviseWorkload({ workload: weights([[model, 1]]), tpus: K }));
      const rec = w.report.assignments.find((x) => x.id === w.report.recommended)!;
      expect(rec.units).toHaveLength(1);
      expect(rec.units[0]!.kind).toBe('alone');
      expect(rec.units[0]!.configuration!.id).toBe(a.report.recommended);
      const c = a.report.configurations.find((x) => x.id === a.report.recommended)!;
      expect(rec.ratio).toBeCloseTo(c.throughput, 9);
      // The best on up to m TPUs is advise's, for every m.
      for (const b of a.report.bestByTpus) {
        const mine = w.best[b.tpus - 1]!;
        const cfg = a.report.configurations.find((x) => x.id === b.id)!;
        expect(mine.lambda).toBeCloseTo(cfg.throughput, 9);
      }
      // With a target: the fewest TPUs whose best configuration meets it.
      const target = 0.8 * c.throughput;
      const t = right(adviseWorkload({ workload: rates([[model, target]]), tpus: K })).report;
      const meets = a.report.bestByTpus.find((b) => a.report.configurations.find((x) => x.id === b.id)!.throughput >= target)!;
      const trec = t.assignments.find((x) => x.id === t.recommended)!;
      expect(trec.tpus).toBe(meets.tpus);
      expect(t.met).toBe(true);
    }
  });

  it('should recommend an assignment that meets its targets in the cost model, which no listed assignment dominates', () => {
    const w = rates([['zoo:mobilenet_v2', 300], ['zoo:resnet50_v1', 60]]);
    for (const profile of [undefined, sharedLinkProfile]) {
      const out = right(adviseWorkload({ workload: w, tpus: 4, ...(profile ? { profile } : {}) }));
      const r = out.report;
      const rec = r.assignments.find((a) => a.id === r.recommended)!;
      const a: Assignment = out.best[rec.tpus - 1]!;
      if (!r.met) {
        expect(r.shortfall!.length).toBe(2);
        continue;
      }
      // Checked from the units themselves: every model's TPUs and the host keep up with the targets.
      const targets = w.models.map((m) => m.rate!);
      for (const o of a.options) {
        if (o.unit.kind === 'alone') expect(1000 / o.unit.ev.bottleneckMs).toBeGreaterThanOrEqual(targets[o.unit.model]!);
        else expect(tpuLoadMs(o.unit as SharedUnit, targets)).toBeLessThanOrEqual(1000);
      }
      hostCapacity(out.host).forEach((c, i) => expect(a.host[i]!).toBeLessThanOrEqual(c));
      for (const m of rec.models) expect(m.achieved).toBeGreaterThanOrEqual(m.rate! - 1e-9);
      for (const x of r.assignments) {
        const dominates = x.tpus <= rec.tpus && x.ratio >= rec.ratio && (x.tpus < rec.tpus || x.ratio > rec.ratio);
        expect(dominates).toBe(false);
        // Fewer TPUs never meet the targets.
        if (x.tpus < rec.tpus) expect(x.ratio).toBeLessThan(1);
      }
    }
  });

  it('should say by how much targets K TPUs cannot meet fall short', () => {
    const r = right(adviseWorkload({ workload: rates([['zoo:mobilenet_v2', 1000], ['zoo:resnet50_v1', 200]]), tpus: 4 })).report;
    expect(r.met).toBe(false);
    const rec = r.assignments.find((a) => a.id === r.recommended)!;
    expect(rec.tpus).toBe(4);
    expect(rec.ratio).toBeLessThan(1);
    expect(rec.ratio).toBe(Math.max(...r.assignments.map((a) => a.ratio)));
    for (const s of r.shortfall!) expect(s.missing).toBeCloseTo(s.target * (1 - rec.ratio), 6);
    expect(r.reasoning).toMatch(/^the targets cannot be met on 4 TPUs: the best assignment serves \d+% of every target/);
  });

  it('should, with --objective ratio, give the best lowest ratio on K on the fewest TPUs within the tolerance', () => {
    const w = rates([['zoo:mobilenet_v2', 300], ['zoo:resnet50_v1', 30]]);
    const r = right(adviseWorkload({ workload: w, tpus: 4, objective: 'ratio' })).report;
    const onK = r.assignments[r.assignments.length - 1]!;
    const rec = r.assignments.find((a) => a.id === r.recommended)!;
    expect(rec.ratio * 1.02).toBeGreaterThanOrEqual(onK.ratio);
    for (const a of r.assignments) if (a.ratio * 1.02 >= onK.ratio) expect(rec.tpus).toBeLessThanOrEqual(a.tpus);
    expect(r.objective).toBe('ratio');
    expect(r.met).toBe(rec.ratio >= 1);
    // The default with rates: the fewest TPUs that meet the targets, here fewer than the ratio's.
    const t = right(adviseWorkload({ workload: w, tpus: 4 })).report;
    const trec = t.assignments.find((a) => a.id === t.recommended)!;
    expect(trec.ratio).toBeGreaterThanOrEqual(1);
    expect(trec.tpus).toBeLessThan(rec.tpus);
    expect(E.isLeft(adviseWorkload({ workload: weights([['zoo:mobilenet_v2', 1]]), tpus: 2, objective: 'tpus' }))).toBe(true);
  });

  it('should share a TPU when the models are small and the rates low', () => {
    const r = right(adviseWorkload({ workload: rates([['zoo:mobilenet_v2', 30], ['zoo:mobilenet_v1', 30]]), tpus: 4 })).report;
    const rec = r.assignments.find((a) => a.id === r.recommended)!;
    expect(rec.tpus).toBe(1);
    expect(rec.units[0]!.kind).not.toBe('alone');
  });
});

describe('partitions', () => {
  it('should list every grouping once (Bell numbers)', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => partitions(Array.from({ length: n }, (_, i) => i)).length)).toEqual([1, 1, 2, 5, 15, 52]);
    const keys = partitions([0, 1, 2, 3]).map((p) => JSON.stringify(p.map((b) => [...b].sort()).sort()));
    expect(new Set(keys).size).toBe(15);
  });
});
