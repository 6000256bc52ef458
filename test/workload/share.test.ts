import * as E from 'fp-ts/Either';
import { costModel, loadProfile, withValues, type CostProfile } from '../../cost-models';
import { loadModelToPlan } from '../../src/model/load';
import { CapacityModels, coCompile, hostFacts, reloadBytesPerS, switchesInto, timeShare, tpuLoadMs, type Member } from '../../src/workload/share';

const MiB = 1024 * 1024;
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};
const profile: CostProfile = right(loadProfile('edgetpu-usb3'));
const host = hostFacts(profile, 'pycoral');
const member = (spec: string): Member => {
  const graph = right(loadModelToPlan(spec));
  return { graph, cost: costModel(graph, profile) };
};
// MobileNet v1 (4.3 MB of parameters) and v2 (3.5 MB): each fits alone, not both.
const members = [member('zoo:mobilenet_v1'), member('zoo:mobilenet_v2')];
const whole = (m: Member, p: CostProfile = profile) => costModel(m.graph, p).segment(0, m.graph.ops.length);

describe('co-compiled models share the parameter cache in the order compiled', () => {
  it('should give the first model the cache it takes alone and the second what is left, the rest of it streamed', () => {
    for (const order of [[0, 1], [1, 0]]) {
      const u = coCompile(members, order, 1, host, new CapacityModels(host));
      const [first, second] = u.parts;
      const aloneFirst = whole(members[order[0]!]!);
      const aloneSecond = whole(members[order[1]!]!);
      // Both fit alone.
      expect(aloneFirst.offChipBytes).toBe(0);
      expect(aloneSecond.offChipBytes).toBe(0);
      expect(first!.onChipBytes).toBe(aloneFirst.onChipBytes);
      expect(first!.offChipBytes).toBe(0);
      expect(first!.capacityBytes).toBe(host.capacityMiB * MiB);
      // The documented rule: the second gets what the first left.
      expect(second!.capacityBytes).toBeCloseTo(host.capacityMiB * MiB - aloneFirst.onChipBytes, 3);
      expect(second!.onChipBytes).toBeLessThanOrEqual(second!.capacityBytes);
      // What does not fit streams: the second model's parameters, cached or streamed, are its bytes alone.
      expect(second!.offChipBytes).toBeGreaterThan(0);
      expect(second!.onChipBytes + second!.offChipBytes).toBeCloseTo(aloneSecond.onChipBytes, 0);
      // Exactly what the cost model caches at that capacity (layer by layer in execution order).
      const at = whole(members[order[1]!]!, withValues(profile, { capacityMiB: second!.capacityBytes / MiB }, 'test'));
      expect([second!.onChipBytes, second!.offChipBytes, second!.invokeMs]).toEqual([at.onChipBytes, at.offChipBytes, at.ms]);
      // Streaming costs time: the second model's invoke is slower co-compiled than alone.
      expect(second!.invokeMs).toBeGreaterThan(aloneSecond.ms);
      expect(second!.reloadMs).toBe(0);
    }
  });

  it('should leave a third model nothing when the first two fill the cache', () => {
    const three = [...members, member('zoo:mobilenet_v1')];
    const u = coCompile(three, [0, 1, 2], 2, host, new CapacityModels(host));
    expect(u.parts[2]!.onChipBytes).toBeLessThan(0.5 * MiB);
    expect(u.parts[2]!.offChipBytes).toBeGreaterThan(3.5 * MiB);
  });
});

describe('time-shared models evict each other', () => {
  it('should count switches as the rates interleave', () => {
    expect(switchesInto([300, 60])).toEqual([60, 60]);
    expect(switchesInto([100, 100, 100])).toEqual([100, 100, 100]);
    expect(switchesInto([100, 10, 20])).toEqual([30, 10, 20]);
    expect(switchesInto([50])).toEqual([0]);
    expect(switchesInto([40, 0])).toEqual([0, 0]);
  });

  it('should reload each model\'s cached parameters on every switch into it, over every TPU of the unit', () => {
    const u = timeShare(members, [0, 1], 2, host);
    for (const [i, p] of u.parts.entries()) {
      const alone = whole(members[i]!);
      expect(p.onChipBytes).toBe(alone.onChipBytes);
      expect(p.reloadMs).toBeCloseTo((alone.onChipBytes / MiB) * host.firstMsPerMiB, 9);
    }
    const rates = [300, 60];
    // Per TPU: 150 and 30 invokes/s, 30 switches each way.
    const busy = 150 * u.parts[0]!.invokeMs + 30 * u.parts[1]!.invokeMs + 30 * u.parts[0]!.reloadMs + 30 * u.parts[1]!.reloadMs;
    expect(tpuLoadMs(u, rates)).toBeCloseTo(busy, 9);
    expect(reloadBytesPerS(u, rates)).toBeCloseTo(2 * 30 * (u.parts[0]!.onChipBytes + u.parts[1]!.onChipBytes), 3);
    // Co-compiled, the same TPUs pay no reloads.
    const co = coCompile(members, [0, 1], 2, host, new CapacityModels(host));
    expect(tpuLoadMs(co, rates)).toBeCloseTo(150 * co.parts[0]!.invokeMs + 30 * co.parts[1]!.invokeMs, 9);
    expect(reloadBytesPerS(co, rates)).toBe(0);
  });
});
