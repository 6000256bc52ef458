import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';

const MODEL = 'synth:conv?filters=64&layers=8&size=32';
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-advise-'));

describe('cli: advise', () => {
  it('should print the front, the best per TPU count, the knee, the recommendation and why', async () => {
    const c = captureIo(tmp());
    expect(await main(['advise', MODEL, '--tpus', '4'], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(c.out[0]).toBe(`${MODEL} on up to 4 TPUs, profile edgetpu-usb3, runner pycoral, objective throughput`);
    expect(text).toMatch(/^id\s+TPUs\s+stages\s+TPUs per stage\s+inputs\/s \(80% band\)\s+per TPU/m);
    expect(text).toMatch(/^best on up to m TPUs: 1: p1 [\d.]+\/s, 2: /m);
    expect(text).toMatch(/^knee: /m);
    expect(text).toMatch(/^recommended: r4x1, 1 stage\(s\) on 4 TPU\(s\): /m);
    expect(text).toMatch(/^why: fits on one TPU \([\d.]+ MiB cached on chip\); 4 replicas on 4 TPUs/m);
    expect(c.out.filter((l) => / \*$|\* /.test(l))).toHaveLength(1);
  });

  it('should print one JSON object with --json, write it with -o, and list every configuration with --all', async () => {
    const dir = tmp();
    const c = captureIo(dir);
    expect(await main(['advise', MODEL, '--tpus', '3', '--objective', 'latency', '--json', '-o', 'a.json'], c.io)).toBe(0);
    expect(c.out).toHaveLength(1);
    const r = JSON.parse(c.out[0]!) as { tool: string; objective: string; configurations: { id: string; onFront: boolean }[]; recommended: string; front: string[] };
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'a.json'), 'utf8'))).toEqual(r);
    expect([r.tool, r.objective]).toEqual(['tpuseg advise', 'latency']);
    expect(r.front).toEqual(r.configurations.filter((x) => x.onFront).map((x) => x.id).sort((a, b) => r.front.indexOf(a) - r.front.indexOf(b)));
    const all = captureIo(dir);
    expect(await main(['advise', MODEL, '--tpus', '3', '--objective', 'latency', '--all'], all.io)).toBe(0);
    expect(all.out.join('\n')).toContain('every configuration priced:');
    for (const x of r.configurations) expect(all.out.some((l) => l.startsWith(`${x.id} `))).toBe(true);
  });

  it('should take a board of different devices, and say how their order was searched', async () => {
    const c = captureIo(tmp());
    expect(await main(['advise', MODEL, '--devices', 'edgetpu-pcie,edgetpu-usb3,edgetpu-usb3'], c.io)).toBe(0);
    expect(c.out[0]).toContain('on up to 3 TPUs, TPUs edgetpu-pcie, edgetpu-usb3, edgetpu-usb3 (host edgetpu-pcie)');
    expect(c.out.join('\n')).toMatch(/^device orders: dp ran on \d+ orders, every distinct one$/m);
  });

  it('should refuse bad requests with one line and exit 2', async () => {
    const cases: [string[], string][] = [
      [['advise', MODEL], 'usage error: advise: --tpus K is required (see tpuseg advise --help)'],
      [['advise', MODEL, '--tpus', '17'], 'usage error: advise: --tpus expects an integer from 1 to 16, got 17'],
      [['advise', MODEL, '--tpus', '0'], 'usage error: advise: --tpus expects a positive integer, got "0"'],
      [['advise', MODEL, '--tpus', '2', '--objective', 'speed'], 'usage error: advise: --objective expects throughput | latency | batch, got "speed"'],
      [['advise', MODEL, '--tpus', '3', '--devices', 'edgetpu-pcie,edgetpu-usb3'], 'usage error: advise: --tpus 3 but --devices lists 2 TPUs; give one profile per TPU'],
      [['advise', MODEL, '--tpus', '2', '--knee', '-1'], 'usage error: advise: --knee expects a non-negative number, got "-1"'],
    ];
    for (const [argv, message] of cases) {
      const c = captureIo(tmp());
      expect([argv.join(' '), await main(argv, c.io), c.err]).toEqual([argv.join(' '), 2, [`tpuseg: ${message}`]]);
    }
    const c = captureIo(tmp());
    expect(await main(['advise', MODEL, '--tpus', '2', '--profile', 'nope.json'], c.io)).toBe(2);
    expect(c.err[0]).toMatch(/^tpuseg: .*nope\.json: invalid configuration: /);
  });
});

describe('cli: segment --at-most and --devices', () => {
  it('should say how many TPUs it left unused', async () => {
    const c = captureIo(tmp());
    expect(await main(['segment', 'zoo:inception_v4', '--tpus', '8', '--at-most', '--strategy', 'dp', '--workers', '0'], c.io)).toBe(0);
    expect(c.out[1]).toMatch(/^at most 8 TPUs: \d used, \d left unused \(\d segments within 2% of the best on up to 8: [\d.]+ ms vs [\d.]+ ms on 8; throughput ms by segments 1: /);
    const j = captureIo(tmp());
    expect(await main(['segment', 'zoo:inception_v4', '--tpus', '8', '--at-most', '--tolerance', '0', '--strategy', 'dp', '--workers', '0', '--json'], j.io)).toBe(0);
    const r = JSON.parse(j.out[0]!) as { tpus: number; atMost: { used: number; unused: number; tolerance: number } };
    expect([r.atMost.tolerance, r.tpus, r.atMost.used + r.atMost.unused]).toEqual([0, r.atMost.used, 8]);
  });

  it('should price stage i on device i and name the devices', async () => {
    const c = captureIo(tmp());
    expect(await main(['segment', MODEL, '--devices', 'edgetpu-pcie,edgetpu-usb3', '--strategy', 'dp', '--workers', '0', '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out[0]!) as { tpus: number; devices: string[]; profile: string };
    expect(r).toMatchObject({ tpus: 2, devices: ['edgetpu-pcie', 'edgetpu-usb3'], profile: 'edgetpu-pcie' });
    const bad = captureIo(tmp());
    expect(await main(['segment', MODEL, '--tpus', '2', '--tolerance', '0.1'], bad.io)).toBe(2);
    expect(bad.err).toEqual(['tpuseg: usage error: segment: --tolerance goes with --at-most']);
  });
});
