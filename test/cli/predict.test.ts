import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';

const SYNTH = 'synth:conv?filters=16&layers=4&size=16';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-predict-'));

describe('cli/predict', () => {
  describe('predict', () => {
    it('should print one result object in the segment --json shape', async () => {
      const c = captureIo(tmp());
      expect(await main(['predict', SYNTH, '--tpus', '2', '--strategy', 'compiler', '--json'], c.io)).toBe(0);
      const r = JSON.parse(c.out.join('\n'));
      expect(Object.keys(r)).toEqual(['strategy', 'cuts', 'segments', 'bottleneckMs', 'bottleneckMsLow', 'bottleneckMsHigh', 'limitedBy', 'latencyMs',
        'latencyMsLow', 'latencyMsHigh', 'firstMs', 'batch', 'msPerInput', 'msPerInputLow', 'msPerInputHigh', 'uncertainty', 'runner', 'madeFor']);
      expect(Object.keys(r.segments[0])).toEqual(['firstOp', 'lastOp', 'ops', 'tpuOps', 'paramBytes', 'onChipBytes', 'offChipBytes', 'inBytes', 'outBytes', 'ms', 'msLow', 'msHigh']);
      expect(r.runner).toBe('pycoral');
      expect(r.uncertainty.regime).toBe('pipeline/conv/on-chip');
      expect(r.msPerInputLow).toBeCloseTo(r.msPerInput * r.uncertainty.band.lo, 12);
      expect(r.msPerInputHigh).toBeCloseTo(r.msPerInput * r.uncertainty.band.hi, 12);
      expect(r.strategy).toBe('compiler');
      expect(r.cuts).toHaveLength(1);
      expect(r.batch).toBe(15);
      expect(r.latencyMs).toBeCloseTo(r.segments[0].ms + r.segments[1].ms, 9);
      expect(r.msPerInput).toBeCloseTo((r.latencyMs + 14 * r.bottleneckMs) / 15, 9);
    });

    it('should print a table with the closed form and the simulation, which agree', async () => {
      const c = captureIo(tmp());
      expect(await main(['predict', SYNTH, '--tpus', '2', '--strategy', 'layers', '--profile', 'edgetpu-ucm-bench', '--batch', '100'], c.io)).toBe(0);
      expect(c.out[0]).toBe('synth_conv_f16_l4_s16: 5 ops, 2 segment(s) by layers, profile edgetpu-ucm-bench');
      const closed = /closed form:\s+([\d.]+)/.exec(c.out.join('\n'))![1];
      const simulated = /simulated:\s+([\d.]+)/.exec(c.out.join('\n'))![1];
      expect(simulated).toBe(closed);
    });

    it('should take a plan file and a profile file by path', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ strategy: 'mine', counts: [2, 2, 1] }));
      fs.copyFileSync(path.resolve(__dirname, '../../cost-models/profiles/edgetpu-pcie.json'), path.join(dir, 'p.json'));
      const c = captureIo(dir);
      expect(await main(['predict', SYNTH, '--tpus', '3', '--strategy', 'plan.json', '--profile', 'p.json', '--json'], c.io)).toBe(0);
      expect(JSON.parse(c.out.join('\n')).cuts).toEqual([2, 4]);
    });

    it('should price segment i on device i with --devices, as segment --devices does', async () => {
      const dir = tmp();
      const run = async (argv: string[]): Promise<Record<string, unknown>> => {
        const c = captureIo(dir);
        expect([argv.join(' '), await main(argv, c.io)]).toEqual([argv.join(' '), 0]);
        return JSON.parse(c.out.join('\n')) as Record<string, unknown>;
      };
      const board = 'edgetpu-pcie,edgetpu-usb3,edgetpu-usb3';
      const mixed = await run(['predict', 'zoo:resnet50_v1', '--devices', board, '--strategy', 'dp', '--json']);
      const searched = await run(['segment', 'zoo:resnet50_v1', '--devices', board, '--strategy', 'dp', '--workers', '0', '--json']);
      const best = (searched['results'] as Record<string, unknown>[])[0]!;
      expect(mixed['devices']).toEqual(['edgetpu-pcie', 'edgetpu-usb3', 'edgetpu-usb3']);
      expect([mixed['cuts'], mixed['segments'], mixed['msPerInput']]).toEqual([best['cuts'], best['segments'], best['msPerInput']]);
      // The same plan on a board of three USB accelerators: the first stage is priced as the PCIe module then.
      fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ cuts: mixed['cuts'] }));
      const usb = await run(['predict', 'zoo:resnet50_v1', '--tpus', '3', '--profile', 'edgetpu-usb3', '--strategy', 'plan.json', '--json']);
      const ms = (r: Record<string, unknown>): number[] => (r['segments'] as { ms: number }[]).map((g) => g.ms);
      expect(ms(mixed)[0]).not.toBeCloseTo(ms(usb)[0]!, 3);

      const same = await run(['predict', 'zoo:resnet50_v1', '--devices', 'edgetpu-pcie,edgetpu-pcie', '--json']);
      const { devices, ...rest } = same;
      expect(devices).toEqual(['edgetpu-pcie', 'edgetpu-pcie']);
      expect(rest).toEqual(await run(['predict', 'zoo:resnet50_v1', '--tpus', '2', '--profile', 'edgetpu-pcie', '--json']));

      const c = captureIo(dir);
      expect(await main(['predict', 'zoo:resnet50_v1', '--devices', board], c.io)).toBe(0);
      expect(c.out[0]).toBe('resnet50_v1: 77 ops, 3 segment(s) by compiler, TPUs edgetpu-pcie, edgetpu-usb3, edgetpu-usb3 (host edgetpu-pcie)');
      expect(c.out.slice(3, 6).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['0 edgetpu-pcie', '1 edgetpu-usb3', '2 edgetpu-usb3']);
    });

    it('should reject bad input with one line and the right exit code', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ cuts: [3, 3] }));
      fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ name: 'x' }));
      const cases: [string[], number, RegExp][] = [
        [['predict'], 2, /expected one model/],
        [['predict', SYNTH, '--strategy', 'fastest'], 2, /unknown strategy "fastest"/],
        [['predict', SYNTH, '--tpus', '0'], 2, /--tpus expects a positive integer/],
        [['predict', SYNTH, '--tpus', '9'], 3, /cannot cut .* into 9 non-empty segments/],
        [['predict', SYNTH, '--tpus', '3', '--strategy', 'plan.json'], 2, /cuts must be strictly increasing/],
        [['predict', SYNTH, '--profile', 'bad.json'], 2, /bad.json: invalid configuration/],
        [['predict', 'zoo:nope'], 2, /unknown zoo model "nope"/],
        [['predict', SYNTH, '--tpus', '3', '--devices', 'edgetpu-pcie,edgetpu-usb3'], 2, /--tpus 3 but --devices lists 2 TPUs; give one profile per TPU$/],
        [['predict', SYNTH, '--devices', 'edgetpu-pcie,,edgetpu-usb3'], 2, /--devices: invalid configuration: expected a comma-separated list/],
      ];
      for (const [argv, code, message] of cases) {
        const c = captureIo(dir);
        expect([argv.join(' '), await main(argv, c.io)]).toEqual([argv.join(' '), code]);
        expect(c.err[0]).toMatch(message);
      }
    });
  });
});
