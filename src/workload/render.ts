import { alignedLines } from '../cli/text';
import type { AssignmentReport, WorkloadReport } from './advise';

/** `tpuseg advise --workload` as text: the front, the recommended assignment model by model, its reasoning. */

const MiB = 1024 * 1024;
const rate = (x: number): string => x.toFixed(x >= 100 ? 0 : 1);
const banded = (x: number, lo: number | undefined, hi: number | undefined, f: (v: number) => string): string =>
  lo !== undefined && hi !== undefined ? `${f(x)} (${f(lo)}-${f(hi)})` : f(x);
const two = (x: number): string => x.toFixed(2);
const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

function assignmentText(a: AssignmentReport): string {
  return a.units.map((u) => {
    const where = `TPU${u.positions.length > 1 ? 's' : ''} ${u.positions.join(',')}`;
    return u.kind === 'alone' ? `${u.models[0]} ${u.configuration!.id} on ${where}` : `${u.models.join('+')} ${u.kind} on ${where}`;
  }).join('; ');
}

export function renderWorkload(r: WorkloadReport): string[] {
  const targets = r.models.map((m) => `${m.name} ${m.rate !== undefined ? `${m.rate}/s` : `weight ${m.weight}`}`).join(', ');
  const ratioName = r.mode === 'rates' ? 'achieved / target' : 'inputs/s / weight';
  const frontRows = r.assignments.map((a) => [
    String(a.tpus) + (a.id === r.recommended ? ' *' : ''), banded(a.ratio, a.ratioLow, a.ratioHigh, two),
    ...(r.mode === 'rates' ? [a.meetsTargets ? 'yes' : 'no'] : []), a.limitedBy, assignmentText(a),
  ]);
  const rec = r.assignments.find((a) => a.id === r.recommended)!;
  const modelRows = rec.models.map((m) => [
    m.name, String(m.unit + 1), m.rate !== undefined ? rate(m.rate) : `w ${m.weight}`, banded(m.achieved, m.achievedLow, m.achievedHigh, rate),
    rate(m.unitCapacity), banded(m.latencyMs, m.latencyMsLow, m.latencyMsHigh, two), (m.offChipBytes / MiB).toFixed(2),
  ]);
  const shared = rec.units.flatMap((u, i) => (u.parts ? [
    `  unit ${i + 1}, ${u.kind} on TPU${u.positions.length > 1 ? 's' : ''} ${u.positions.join(',')} (busy ${pct(u.busy ?? 0)} at these rates): `
    + u.parts.map((p) => `${p.model} ${two(p.invokeMs)} ms per invoke, ${u.kind === 'co-compiled' ? `${two(p.capacityMiB)} MiB of cache left to it, ` : ''}`
      + `${two(p.onChipMiB)} MiB cached, ${two(p.offChipMiB)} MiB streamed${u.kind === 'time-shared' ? `, ${two(p.reloadMs)} ms to reload after a switch` : ''}`).join('; '),
  ] : []));
  return [
    `workload on up to ${r.tpus} TPUs, profile ${r.profile}, runner ${r.runner}: ${targets}`,
    `objective: ${r.objectiveText}`,
    `the best assignment on up to m TPUs (lowest ${ratioName} over the models, 80% band):`,
    ...alignedLines(['TPUs', 'ratio', ...(r.mode === 'rates' ? ['meets'] : []), 'set by', 'assignment'], frontRows, new Set(r.mode === 'rates' ? [2, 3, 4] : [2, 3])),
    `recommended (*): ${assignmentText(rec)}`,
    ...alignedLines(['model', 'unit', r.mode === 'rates' ? 'target/s' : 'weight', 'inputs/s (80% band)', 'unit alone/s', 'latency ms (80% band)', 'streamed MiB'], modelRows, new Set([0])),
    ...shared,
    `host at these rates: interpreter lock ${pct(rec.host.interpreterLock)}, shared link ${pct(rec.host.sharedLink)}, host CPU ${pct(rec.host.hostCpu)} busy`,
    `why: ${r.reasoning}`,
    ...(r.shortfall ? [`short of the targets: ${r.shortfall.map((s) => `${s.model} ${rate(s.achieved)} of ${rate(s.target)}/s (${rate(s.missing)} short)`).join(', ')}`] : []),
    `sharing: ${r.sharing}`,
    `search: exact under the cost model: every grouping of the ${r.models.length} model(s) (${r.search.partitions}), ${r.search.options} unit options priced`,
  ];
}
