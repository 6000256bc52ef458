import { simulatePipeline } from '../../src/pipeline/simulate';
import { batchMsPerInput } from '../../src/pipeline/evaluate';

describe('pipeline/simulate', () => {
  describe('simulatePipeline', () => {
    it('should agree with the closed form for deterministic stage times', () => {
      for (const times of [[1, 5, 1], [4, 1, 1, 4], [2], [3, 3, 3], [0.5, 0.25, 2, 0.75]]) {
        for (const batch of [1, 2, 15, 100]) {
          const sim = simulatePipeline(times, times.length, batch);
          expect(sim.msPerInput).toBeCloseTo(batchMsPerInput(times, batch), 9);
        }
      }
    });

    it('should finish inputs in order, one bottleneck apart in steady state', () => {
      const sim = simulatePipeline([1, 5, 1], 3, 4);
      expect(sim.completionMs).toEqual([7, 12, 17, 22]);
    });

    it('should block a fast stage behind a slow one with one-slot queues', () => {
      const sim = simulatePipeline([1, 5, 1], 3, 4);
      // stage 0 finishes input 2 at t=3 with input 1 still queued; it waits until stage 1 takes input 1 at t=6.
      expect(sim.blockedMs[0]).toBeGreaterThan(0);
      expect(sim.blockedMs[2]).toBe(0);
    });

    it('should take longer than unbounded queues and the closed form when times vary per input', () => {
      // Runs of four inputs: stage 0 takes 1 ms while stage 1 takes 3, then the other way round.
      // Both stages average 2 ms, but stage 0 cannot run ahead by four inputs through one slot.
      const times = (s: number, i: number): number => ((Math.floor(i / 4) + s) % 2 === 0 ? 1 : 3);
      const oneSlot = simulatePipeline(times, 2, 20, 1);
      const unbounded = simulatePipeline(times, 2, 20, Infinity);
      expect(oneSlot.makespanMs).toBe(51);
      expect(unbounded.makespanMs).toBe(45);
      expect(batchMsPerInput([2, 2], 20) * 20).toBe(42);
    });

    it('should reject nonsensical arguments', () => {
      expect(() => simulatePipeline([1], 1, 0)).toThrow(RangeError);
      expect(() => simulatePipeline([1], 0, 1)).toThrow(RangeError);
      expect(() => simulatePipeline([-1], 1, 1)).toThrow(RangeError);
    });
  });
});
