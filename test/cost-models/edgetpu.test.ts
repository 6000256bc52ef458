import * as E from 'fp-ts/Either';
import { edgeTpuModel } from '../../cost-models/edgetpu';
import { loadProfile, withValues, type CostProfile, type ProfileValues } from '../../cost-models';
import { chain } from './graphs';

const MiB = 1024 * 1024;

/** Round constants so every figure below can be checked by hand. */
function profile(over: Partial<ProfileValues> = {}): CostProfile {
  const base = loadProfile('edgetpu-usb3');
  if (E.isLeft(base)) throw new Error('built-in profile failed to load');
  return withValues(base.right, {
    fixedMs: 0.5, hopMs: 0.25, inMBps: 1, outMBps: 2, convTops: 1, depthwiseTops: 0.5, fcTops: 2,
    channelWidth: 1, activationMsPerMiB: 0, hostMsPerMiB: 0, hostGmacPerS: 1, capacityMiB: 1,
    capacityPerInputMiB: 0, maxLayerMiB: 100, streamMsPerMiB: 1, streamActAmpPerMiB: 0,
    streamHideFrac: 0, weightPadChannels: 1, inputPadChannels: 1, channelOverheadBytes: 0, ...over,
  }, 'test');
}

// fc weights 512x1024 (0.5 MiB), 512x512 (0.25 MiB), 1024x512 (0.5 MiB).
const fc3 = chain([{ kind: 'fc', units: 512 }, { kind: 'fc', units: 512 }, { kind: 'fc', units: 1024 }], { input: [1024] });

describe('cost-models/edgetpu', () => {
  describe('segment', () => {
    it('should cache the longest prefix of layers that fits and stream the rest', () => {
      const s = edgeTpuModel(fc3, profile()).segment(0, 3);
      expect(s.onChipBytes).toBe(0.75 * MiB);
      expect(s.offChipBytes).toBe(0.5 * MiB);
      expect(s.streamMs).toBeCloseTo(0.5, 12);
    });

    it('should add fixed, compute, stream and asymmetric transfer times for a whole model', () => {
      const s = edgeTpuModel(fc3, profile()).segment(0, 3);
      const macs = 512 * 1024 + 512 * 512 + 1024 * 512;
      expect(s.computeMs).toBeCloseTo((2 * macs) / 2e9, 12);
      expect(s.inMs).toBeCloseTo(1024 / 1e3, 12);
      // The output is sent while the last layer (1024 x 512) runs: only the rest of its transfer is paid.
      const last = (2 * 512 * 1024) / 2e9;
      expect(s.outMs).toBeCloseTo(1024 / 2e3 - last, 12);
      expect(s.hopMs).toBe(0);
      expect(s.ms).toBeCloseTo(0.5 + (2 * macs) / 2e9 + 0.5 + 1.024 + 0.512 - last, 12);
    });

    it('should hide the output transfer behind the last computing layer, not behind earlier ones, and price a layer\'s activation reads, not its writes', () => {
      const g = chain([{ kind: 'fc', units: 512 }, { kind: 'fc', units: 512 }, { kind: 'fc', units: 1024 }], { input: [1024] });
      // A slow last layer covers the whole transfer; a slow first layer covers none of it.
      const slow = edgeTpuModel(g, profile({ fcTops: 1e-3 })).segment(0, 3);
      expect(slow.outMs).toBe(0);
      const m = edgeTpuModel(g, profile({ activationMsPerMiB: 1024, stageActFactor: 1 }));
      // fc 1024 -> 512 reads 1 KiB and writes 0.5 KiB: 1 ms of reads at 1024 ms per MiB; with outputs of 1 KiB at 2 MB/s = 0.512 ms
      // covered by the last layer's 0.5 ms of reads plus its MACs.
      const first = m.segment(0, 1);
      expect(first.computeMs).toBeCloseTo(1 + (2 * 1024 * 512) / 2e9, 12);
      expect(first.outMs).toBeCloseTo(Math.max(0, 512 / 2e3 - first.computeMs), 12);
      const whole = m.segment(0, 3);
      const lastMs = 0.5 + (2 * 512 * 1024) / 2e9;
      expect(whole.outMs).toBeCloseTo(Math.max(0, 1024 / 2e3 - lastMs), 12);
      expect(m.segmentMs(0, 3)).toBe(whole.ms);
    });

    it('should stream a layer above maxLayerMiB without stopping later layers from caching', () => {
      const s = edgeTpuModel(fc3, profile({ maxLayerMiB: 0.4 })).segment(0, 3);
      expect(s.onChipBytes).toBe(0.25 * MiB);
      expect(s.offChipBytes).toBe(1.0 * MiB);
    });

    it('should charge a hop to a stage that is not the whole model', () => {
      const m = edgeTpuModel(fc3, profile());
      expect(m.segment(0, 1).hopMs).toBe(0.25);
      expect(m.segment(1, 3).hopMs).toBe(0.25);
      expect(m.segment(1, 3).offChipBytes).toBe(0);
    });

    it('should shrink the capacity by the input activation bytes', () => {
      // 1024 input bytes x 512 MiB-per-MiB = 0.5 MiB less room: only the first layer fits.
      const s = edgeTpuModel(fc3, profile({ capacityPerInputMiB: 512 })).segment(0, 3);
      expect(s.onChipBytes).toBe(0.5 * MiB);
    });

    it('should price float edges on the host and move their 8-bit side', () => {
      const g = chain([{ kind: 'fc', units: 256 }], { input: [1024], floatEdges: true });
      const s = edgeTpuModel(g, profile({ hostMsPerMiB: 1 })).segment(0, 3);
      expect(s.cpuOps).toEqual([0, 2]);
      expect(s.inBytes).toBe(4096);
      expect(s.tpuInBytes).toBe(1024);
      expect(s.outBytes).toBe(1024);
      expect(s.tpuOutBytes).toBe(256);
      // QUANTIZE touches 4096 + 1024 bytes, DEQUANTIZE 256 + 1024.
      expect(s.cpuMs).toBeCloseTo((4096 + 1024 + 256 + 1024) / MiB, 12);
    });

    it('should run a host-only segment without TPU fixed or transfer costs', () => {
      const g = chain([{ kind: 'fc', units: 256 }], { input: [1024], floatEdges: true });
      const s = edgeTpuModel(g, profile()).segment(2, 3);
      expect(s.fixedMs).toBe(0);
      expect(s.inMs + s.outMs).toBe(0);
      expect(s.hopMs).toBe(0.25);
    });

    it('should slow convs reading fewer channels than channelWidth', () => {
      const g = chain([{ kind: 'conv', filters: 8, k: 1 }], { input: [4, 4, 2] });
      const wide = edgeTpuModel(g, profile()).segment(0, 1).computeMs;
      const narrow = edgeTpuModel(g, profile({ channelWidth: 8 })).segment(0, 1).computeMs;
      expect(narrow).toBeCloseTo(wide * 4, 12);
    });

    it('should amplify conv streaming by activation size and hide part of it behind compute', () => {
      // one 1x1 conv 1024 -> 1024 on 1x1: 1 MiB weights, 2 KiB of activations, 1 MiB MACs.
      const g = chain([{ kind: 'conv', filters: 1024, k: 1 }], { input: [1, 1, 1024] });
      const compute = (2 * 1024 * 1024) / 1e9;
      // No room: none of it is cached.
      const over = { capacityMiB: 0, streamActAmpPerMiB: 512, streamHideFrac: 1 };
      const s = edgeTpuModel(g, profile(over)).segment(0, 1);
      expect(s.offChipBytes).toBe(MiB);
      expect(s.streamMs).toBeCloseTo(1 * (1 + 512 * (2048 / MiB)) - compute, 12);
    });

    it('should cache part of the first conv that does not fit, up to the capacity, when its weights outweigh its activations', () => {
      // 1x1 convs on 1x1 maps: 0.25 MiB and 1 MiB of weights, a few KiB of activations.
      const g = chain([{ kind: 'conv', filters: 512, k: 1 }, { kind: 'conv', filters: 2048, k: 1 }], { input: [1, 1, 512] });
      const s = edgeTpuModel(g, profile()).segment(0, 2);
      expect(s.onChipBytes).toBe(MiB);
      expect(s.offChipBytes).toBe(0.25 * MiB);
      // Streaming is priced per byte of the part that streams.
      expect(s.streamMs).toBeCloseTo(0.25, 12);
      expect(edgeTpuModel(g, profile({ firstInvokeMs: 0, firstMsPerMiB: 1, firstMsPerActMiB: 0 })).firstMs!(0, 2)).toBeCloseTo(1, 12);
    });

    it('should cache whole layers only when the activations of a conv outweigh its weights, and never split a fully-connected layer', () => {
      // 3x3 convs 64 -> 64 on 64x64 maps: 36 KiB of weights each, 512 KiB of activations.
      const conv = chain([{ kind: 'conv', filters: 64 }, { kind: 'conv', filters: 64 }, { kind: 'conv', filters: 64 }], { input: [64, 64, 64] });
      const c = edgeTpuModel(conv, profile({ capacityMiB: 0.1 })).segment(0, 3);
      expect(c.onChipBytes).toBe(2 * 36 * 1024);
      expect(c.offChipBytes).toBe(36 * 1024);
      // fc3 in 1 MiB: 0.75 MiB of whole layers cached, the third layer (0.5 MiB) streamed whole although 0.25 MiB is left.
      expect(edgeTpuModel(fc3, profile()).segment(0, 3).offChipBytes).toBe(0.5 * MiB);
    });

    it('should pad fully-connected weights to whole groups of units', () => {
      const g = chain([{ kind: 'fc', units: 100 }], { input: [64] });
      const s = edgeTpuModel(g, profile({ weightPadChannels: 64, channelOverheadBytes: 8, capacityMiB: 8 })).segment(0, 1);
      expect(s.onChipBytes).toBe(64 * 128);
      expect(s.paramBytes).toBe(64 * 100 + 4 * 100);
    });

    it('should pad conv weights on both channel axes and add per-channel bytes', () => {
      const g = chain([{ kind: 'conv', filters: 42 }, { kind: 'dw' }], { input: [8, 8, 3] });
      const m = edgeTpuModel(g, profile({ weightPadChannels: 64, inputPadChannels: 4, channelOverheadBytes: 8, capacityMiB: 8 }));
      expect(m.segment(0, 1).onChipBytes).toBe((9 * 4 + 8) * 64);
      expect(m.segment(1, 2).onChipBytes).toBe((9 + 8) * 64);
    });

    it('should reject an empty or out-of-range segment as a defect', () => {
      const m = edgeTpuModel(fc3, profile());
      expect(() => m.segment(1, 1)).toThrow(RangeError);
      expect(() => m.segmentMs(0, 4)).toThrow(RangeError);
    });
  });

  describe('caching shortcut', () => {
    it('should find the same cached prefix by two pointers (no input penalty) as by binary search', () => {
      const g = chain([{ kind: 'conv', filters: 64 }, { kind: 'relu' }, { kind: 'conv', filters: 96 }, { kind: 'conv', filters: 128 },
        { kind: 'dw' }, { kind: 'conv', filters: 64 }, { kind: 'conv', filters: 160 }], { input: [8, 8, 3], floatEdges: true });
      const fast = edgeTpuModel(g, profile({ capacityMiB: 0.2 }));
      // A penalty too small to change any capacity takes the binary-search path.
      const slow = edgeTpuModel(g, profile({ capacityMiB: 0.2, capacityPerInputMiB: 1e-12 }));
      for (let a = 0; a < g.ops.length; a++) {
        // The same prefix; a part-cached conv's share differs by the penalty's rounding at most.
        for (let b = a + 1; b <= g.ops.length; b++) expect(fast.segment(a, b).onChipBytes).toBeCloseTo(slow.segment(a, b).onChipBytes, 3);
      }
    });
  });

  describe('lowerBoundMs', () => {
    it('should stay at or below segmentMs and never decrease as a range grows', () => {
      const g = chain([{ kind: 'fc', units: 512 }, { kind: 'fc', units: 768 }, { kind: 'relu' }, { kind: 'fc', units: 1024 }, { kind: 'fc', units: 512 }],
        { input: [1024], floatEdges: true });
      for (const over of [{}, { maxLayerMiB: 0.6 }, { capacityPerInputMiB: 100 }]) {
        const m = edgeTpuModel(g, profile({ capacityMiB: 0.9, ...over }));
        const lb = (m as typeof m & { lowerBoundMs(a: number, b: number): number }).lowerBoundMs.bind(m);
        const n = g.ops.length;
        for (let a = 0; a < n; a++) {
          for (let b = a + 1; b <= n; b++) {
            expect(lb(a, b)).toBeLessThanOrEqual(m.segmentMs(a, b) + 1e-12);
            if (b < n) expect(lb(a, b + 1)).toBeGreaterThanOrEqual(lb(a, b));
            if (a > 0) expect(lb(a - 1, b)).toBeGreaterThanOrEqual(lb(a, b));
          }
        }
        // The whole model cannot cache 0.5 + 0.75 + 0.75 + 0.5 MiB in 0.9: the bound sees streaming.
        expect(lb(0, n)).toBeGreaterThan(m.segment(0, n).computeMs + m.segment(0, n).cpuMs);
      }
    });

    it('should stay at or below segmentMs and never decrease as a range grows when convs are cached in part', () => {
      const g = chain([{ kind: 'conv', filters: 512, k: 1 }, { kind: 'conv', filters: 768, k: 1 }, { kind: 'relu' }, { kind: 'conv', filters: 1024, k: 1 },
        { kind: 'conv', filters: 512, k: 1 }, { kind: 'conv', filters: 64 }], { input: [2, 2, 1024] });
      for (const over of [{}, { capacityPerInputMiB: 100 }, { capacityPerInputMiB: 100, streamActAmpPerMiB: 30, streamHideFrac: 0.5 }]) {
        const m = edgeTpuModel(g, profile({ capacityMiB: 0.9, ...over }));
        const lb = (m as typeof m & { lowerBoundMs(a: number, b: number): number }).lowerBoundMs.bind(m);
        const n = g.ops.length;
        let parts = 0;
        for (let a = 0; a < n; a++) {
          for (let b = a + 1; b <= n; b++) {
            const s = m.segment(a, b);
            if (s.onChipBytes % (64 * 1024) !== 0) parts++;
            expect(lb(a, b)).toBeLessThanOrEqual(m.segmentMs(a, b) + 1e-12);
            if (b < n) expect(lb(a, b + 1)).toBeGreaterThanOrEqual(lb(a, b) - 1e-12);
            if (a > 0) expect(lb(a - 1, b)).toBeGreaterThanOrEqual(lb(a, b) - 1e-12);
          }
        }
        expect(parts).toBeGreaterThan(0);
      }
    });
  });

  describe('segmentMsRow', () => {
    it('should give segmentMs bit for bit for every start of every end, whole rows and parts', () => {
      const g = chain([{ kind: 'conv', filters: 64 }, { kind: 'relu' }, { kind: 'dw' }, { kind: 'conv', filters: 128 },
        { kind: 'cpu', type: 'GATHER' }, { kind: 'conv', filters: 32 }, { kind: 'fc', units: 300 }], { input: [16, 16, 3], floatEdges: true });
      for (const over of [{}, { capacityMiB: 0.05, capacityPerInputMiB: 40, maxLayerMiB: 0.02, streamActAmpPerMiB: 2, streamHideFrac: 0.3, hostMsPerMiB: 2 }]) {
        const m = edgeTpuModel(g, profile(over));
        const n = g.ops.length;
        const row = new Float64Array(n + 1);
        for (let b = 1; b <= n; b++) {
          for (const [lo, hi] of [[0, b], [1, b - 1], [b - 1, b]]) {
            if (!(lo <= hi)) continue;
            row.fill(-1);
            m.segmentMsRow!(b, lo, hi, row);
            for (let a = 0; a <= n; a++) expect([b, a, row[a]]).toEqual([b, a, a >= lo && a < hi ? m.segmentMs(a, b) : -1]);
          }
        }
      }
    });

    it('should reject starts outside the row as a defect', () => {
      const m = edgeTpuModel(fc3, profile());
      const row = new Float64Array(4);
      expect(() => m.segmentMsRow!(2, 0, 3, row)).toThrow(RangeError);
      expect(() => m.segmentMsRow!(4, 0, 1, row)).toThrow(RangeError);
      expect(() => m.segmentMsRow!(2, 1, 0, row)).toThrow(RangeError);
    });
  });

  describe('segmentMs', () => {
    it('should equal segment(a, b).ms on every range', () => {
      const g = chain([{ kind: 'conv', filters: 64 }, { kind: 'relu' }, { kind: 'dw' }, { kind: 'conv', filters: 128 },
        { kind: 'cpu', type: 'GATHER' }, { kind: 'conv', filters: 32 }], { input: [16, 16, 3], floatEdges: true });
      const m = edgeTpuModel(g, profile({ capacityMiB: 0.05, streamActAmpPerMiB: 2, streamHideFrac: 0.3, hostMsPerMiB: 2 }));
      for (let a = 0; a < g.ops.length; a++) {
        for (let b = a + 1; b <= g.ops.length; b++) expect(m.segmentMs(a, b)).toBe(m.segment(a, b).ms);
      }
    });
  });
});

describe('cost-models/edgetpu: runner, shared resources, first invokes, positions', () => {
  // fc3 cut after its first layer: [0, 1) reads 1024 B and writes 512 B; [1, 3) reads 512 B and writes 1024 B.
  const base = { hopMs: 0.25, gilMs: 0.3, gilMsPerMiB: 1024, linkSharedMBps: 0, hostCores: 2, firstInvokeMs: 10, firstMsPerMiB: 4, firstMsPerActMiB: 0 };

  it('should charge the C++ runner its hop per stage and the Python runner its lock-held work, which every stage shares', () => {
    const cpp = edgeTpuModel(fc3, profile(base));
    expect(cpp.pipeline).toEqual({ runner: 'pycoral', hostCores: 2, freshRunner: false });
    expect([cpp.segment(0, 1).hopMs, cpp.segment(0, 1).gilMs]).toEqual([0.25, 0]);
    const py = edgeTpuModel(fc3, profile(base), { runner: 'python-threads' });
    // 0.3 ms + 1024 ms per MiB x (1024 + 512) B / MiB = 0.3 + 1.5.
    expect(py.segment(0, 1).hopMs).toBeCloseTo(0.3 + 1.5, 12);
    expect(py.segment(0, 1).gilMs).toBeCloseTo(1.8, 12);
    expect(py.segment(0, 1).ms - cpp.segment(0, 1).ms).toBeCloseTo(1.8 - 0.25, 12);
    // A whole model on one device has no runner.
    expect(py.segment(0, 3).gilMs).toBe(0);
  });

  it('should put every stage\'s transfers and streamed bytes on a link the TPUs share', () => {
    const m = edgeTpuModel(fc3, profile({ ...base, linkSharedMBps: 2 }));
    const s = m.segment(1, 3);
    // 0.75 MiB of weights with 1 MiB of capacity: nothing streams; 512 B in, 1024 B out at 2 MB/s.
    expect(s.offChipBytes).toBe(0);
    expect(s.linkMs).toBeCloseTo((512 + 1024) / 2e3, 12);
    const whole = m.segment(0, 3);
    expect(whole.linkMs).toBeCloseTo((1024 + 1024 + 0.5 * MiB) / 2e3, 9);
  });

  it('should count host work (host ops and the runner) as host CPU time', () => {
    const g = chain([{ kind: 'fc', units: 256 }], { input: [1024], floatEdges: true });
    const s = edgeTpuModel(g, profile({ ...base, hostMsPerMiB: 1 })).segment(0, 2);
    expect(s.hostCpuMs).toBeCloseTo(s.cpuMs + 0.25, 12);
  });

  it('should price a first invoke from the fixed part and the cached MiB', () => {
    const m = edgeTpuModel(fc3, profile(base), { freshRunner: true });
    // [0, 3) caches 0.5 + 0.25 MiB in 1 MiB: 10 + 4 x 0.75.
    expect(m.segment(0, 3).firstMs).toBeCloseTo(13, 12);
    expect(m.firstMs!(0, 3)).toBeCloseTo(13, 12);
    expect(m.pipeline?.freshRunner).toBe(true);
  });

  it('should scale the TPU compute of a stage by the factor of its position, later positions taking the mean of positions 1..', () => {
    const p = { ...profile(base), positions: { computeFactor: [1, 2, 4], source: 'test' } };
    const m = edgeTpuModel(fc3, p);
    expect(m.stageDependent).toBe(true);
    const c0 = m.segment(1, 3, 0).computeMs;
    expect(m.segment(1, 3, 1).computeMs).toBeCloseTo(2 * c0, 12);
    expect(m.segment(1, 3, 2).computeMs).toBeCloseTo(4 * c0, 12);
    expect(m.segment(1, 3, 5).computeMs).toBeCloseTo(3 * c0, 12);
    expect(m.segmentMs(1, 3, 1)).toBe(m.segment(1, 3, 1).ms);
    // The stage's compute doubles, and so does its last layer (512 -> 1024), which the output transfer runs alongside.
    const last0 = (2 * 512 * 1024) / 2e9;
    expect(m.segment(1, 3, 1).ms - m.segment(1, 3, 0).ms).toBeCloseTo(c0 - last0, 12);
  });

  it('should price ops the compiler leaves on the host on the host, and map them again in a segment of their own', () => {
    const g = chain([{ kind: 'fc', units: 512 }, { kind: 'cpu', type: 'GATHER' }, { kind: 'fc', units: 512 }], { input: [512] });
    const m = edgeTpuModel(g, profile({ ...base, hostMsPerMiB: 1, hostGmacPerS: 1 }));
    const whole = m.segment(0, 3);
    expect([whole.tpuOps, whole.cpuOps]).toEqual([1, [1, 2]]);
    // GATHER moves 512 B in and out; the last fc (512 x 512 MACs) runs on the host at 1 GMAC/s, moving 1 KiB too.
    expect(whole.cpuMs).toBeCloseTo((512 + 512) / MiB + (512 * 512) / 1e6 + (512 + 512) / MiB, 12);
    const tail = m.segment(2, 3);
    expect([tail.tpuOps, tail.cpuOps]).toEqual([1, []]);
  });
});
