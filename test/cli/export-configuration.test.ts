import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { parseManifest } from '../../src/export/manifest';
import { captureIo } from '../helpers/io';

// An advised configuration exported: plan.json's tpus are the TPUs it runs on, its stages the
// segments, and the summary says what each figure is when a segment runs on several TPUs.
const MODEL = 'synth:conv?filters=64&layers=8&size=32';

interface Conf { id: string; kind: string; stages: number; tpus: number; copies: number[]; throughput: number; steadyMs: number; latencyMs: number; stageMs: number[] }

describe('cli/export of an advised configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-export-conf-'));
  let confs: Conf[] = [];
  beforeAll(async () => {
    const c = captureIo(dir);
    expect(await main(['advise', MODEL, '--tpus', '4', '--all', '-o', 'advice.json'], c.io)).toBe(0);
    confs = JSON.parse(fs.readFileSync(path.join(dir, 'advice.json'), 'utf8')).configurations;
  });

  it.each(['r4x1', 'r2x2', 'h2-13', 'p3'])('%s: plan.json gives the TPUs it runs on and its stages; the summary names each figure', async (id) => {
    const conf = confs.find((x) => x.id === id)!;
    expect(conf).toBeDefined();
    const c = captureIo(dir);
    expect([await main(['export', MODEL, '--plan', 'advice.json', '--configuration', id, '-o', id], c.io), c.err]).toEqual([0, []]);
    const text = fs.readFileSync(path.join(dir, id, 'plan.json'), 'utf8');
    const m = JSON.parse(text);
    expect([m.tpus, m.stages, m.segments.length, m.configuration.tpus]).toEqual([conf.tpus, conf.stages, conf.stages, conf.tpus]);
    expect(E.isRight(parseManifest(text, 'plan.json'))).toBe(true);
    const lines = c.out;
    expect(lines[0]).toMatch(new RegExp(`^${MODEL.split(':')[0]}.*: ${conf.stages} segment\\(s\\) by advise:${id} \\(cuts [^)]*\\) on ${conf.tpus} TPU\\(s\\) -> ${id}$`));
    const copied = conf.copies.some((k) => k > 1);
    // Per segment: its time on one TPU, said as such when it has copies.
    conf.copies.forEach((k, i) => expect(lines[1 + i]).toMatch(k > 1 ? new RegExp(`predicted \\d+\\.\\d\\d ms per input on one of its ${k} TPUs$`) : /predicted \d+\.\d\d ms$/));
    const predicted = lines.find((l) => l.startsWith('  predicted ('))!;
    expect(predicted).not.toMatch(/slowest stage \d/);
    expect(predicted).toContain(`${conf.steadyMs.toFixed(2)} ms per input (set by the `);
    expect(predicted).toContain(`latency ${conf.latencyMs.toFixed(2)} ms for one input`);
    expect(predicted.includes('a segment on k TPUs counts 1/k of its time per input')).toBe(copied);
  });

  it('should still read an older plan.json whose tpus were its segments', () => {
    const text = fs.readFileSync(path.join(dir, 'r2x2', 'plan.json'), 'utf8');
    const m = JSON.parse(text);
    const { stages: _stages, ...old } = { ...m, tpus: m.stages };
    expect(E.isRight(parseManifest(JSON.stringify(old), 'plan.json'))).toBe(true);
    const wrong = parseManifest(JSON.stringify({ ...m, tpus: m.stages }), 'plan.json');
    expect(E.isLeft(wrong) && wrong.left._tag === 'ConfigInvalid' && wrong.left.problems).toEqual([`tpus: ${m.stages}, but the configuration runs on ${m.tpus}`]);
  });

  it('a pipeline export keeps its summary: slowest stage and latency', async () => {
    const c = captureIo(dir);
    expect(await main(['export', MODEL, '--strategy', 'dp', '--tpus', '2', '-o', 'pipe'], c.io)).toBe(0);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'pipe', 'plan.json'), 'utf8'));
    expect([m.tpus, m.stages]).toEqual([2, 2]);
    expect(c.out.find((l) => l.startsWith('  predicted ('))).toMatch(/ms per input for a batch of 15, slowest stage \d+\.\d\d ms, latency \d+\.\d\d ms$/);
  });
});
