import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { list, nonEmptyString, reportPaths } from '../../experiments/codecs';
import { configInvalid, type TpusegError } from '../errors';
import { count, MAX_ADVISE_TPUS, MAX_BATCH } from '../limits';

/**
 * Reading a workload plan (`tpuseg advise --workload ... -o plan.json`) for export: its models,
 * and the assignment to export (the recommended one, or the one named): which units run which
 * models on which board positions, a model alone in which configuration (cuts, and which TPUs run
 * each segment's copies).
 */

const nonNegativeInt = new t.Type<number>('a non-negative integer', (u): u is number => Number.isInteger(u) && (u as number) >= 0,
  (u, c) => (Number.isInteger(u) && (u as number) >= 0 ? t.success(u as number) : t.failure(u, c, `expected a non-negative integer, got ${JSON.stringify(u)}`)), t.identity);

const Configuration = t.type({ id: nonEmptyString, cuts: t.array(nonNegativeInt), assignment: t.array(t.array(nonNegativeInt)) });
const Unit = t.intersection([
  t.type({ kind: t.keyof({ alone: null, 'co-compiled': null, 'time-shared': null }), models: list(nonEmptyString, true), positions: list(nonNegativeInt, true) }),
  t.partial({ configuration: Configuration }),
]);
const Assignment = t.type({ id: nonEmptyString, tpus: nonNegativeInt, units: list(Unit, true), models: t.array(t.partial({ name: t.string, achieved: t.number, rate: t.number, weight: t.number, latencyMs: t.number })) });
const PlanCodec = t.intersection([
  t.type({
    tool: t.literal('tpuseg advise --workload'),
    models: list(t.intersection([t.type({ name: nonEmptyString, model: nonEmptyString }), t.partial({ rate: t.number, weight: t.number })]), true),
    assignments: list(Assignment, true),
    recommended: nonEmptyString,
  }),
  t.partial({ profile: t.string, batch: t.number, tpus: t.number }),
]);

export type WorkloadPlan = t.TypeOf<typeof PlanCodec>;
export type PlannedAssignment = t.TypeOf<typeof Assignment>;
export type PlannedUnit = t.TypeOf<typeof Unit>;

/** True when the JSON is a workload plan (rather than a segment or advise report). */
export const isWorkloadPlan = (u: unknown): boolean => typeof u === 'object' && u !== null && (u as { tool?: unknown }).tool === 'tpuseg advise --workload';

/** The plan and the assignment to export, checked: every model in exactly one unit, units on distinct positions, configurations that fit them. */
export function parseWorkloadPlan(u: unknown, file: string, id?: string): E.Either<TpusegError, { plan: WorkloadPlan; assignment: PlannedAssignment }> {
  const d = PlanCodec.decode(u);
  if (E.isLeft(d)) return E.left(configInvalid(file, reportPaths(d.left).slice(0, 5)));
  const plan = d.right;
  const want = id ?? plan.recommended;
  const k = plan.assignments.findIndex((a) => a.id === want);
  if (k < 0) return E.left(configInvalid(file, [`assignments: no assignment "${want}" (there are: ${plan.assignments.map((a) => a.id).join(', ')})`]));
  const a = plan.assignments[k]!;
  const names = plan.models.map((m) => m.name);
  if (new Set(names).size !== names.length) return E.left(configInvalid(file, ['models: two models have the same name']));
  if (plan.batch !== undefined && !(Number.isInteger(plan.batch) && plan.batch >= 1 && plan.batch <= MAX_BATCH)) {
    return E.left(configInvalid(file, [`batch: expected an integer from 1 to ${count(MAX_BATCH)}, got ${plan.batch}`]));
  }
  // The board: the plan's TPUs, never more than advise weighs.
  const board = Math.min(plan.tpus ?? MAX_ADVISE_TPUS, MAX_ADVISE_TPUS);
  const seen = new Set<string>();
  const used = new Set<number>();
  for (const [i, unit] of a.units.entries()) {
    const where = `assignments[${k}].units[${i}]`;
    for (const m of unit.models) {
      if (!names.includes(m)) return E.left(configInvalid(file, [`${where}.models: "${m}" is not one of the plan's models`]));
      if (seen.has(m)) return E.left(configInvalid(file, [`${where}.models: "${m}" runs in two units`]));
      seen.add(m);
    }
    for (const p of unit.positions) {
      if (p >= board) return E.left(configInvalid(file, [`${where}.positions: board position ${p} is not on the plan's board of ${board} TPUs (positions 0 to ${board - 1})`]));
      if (used.has(p)) return E.left(configInvalid(file, [`${where}.positions: TPU ${p} is given to two units`]));
      used.add(p);
    }
    if (unit.kind === 'alone') {
      const c = unit.configuration;
      if (!c || unit.models.length !== 1) return E.left(configInvalid(file, [`${where}: a model alone needs one model and its configuration`]));
      if (c.assignment.length !== c.cuts.length + 1) return E.left(configInvalid(file, [`${where}.configuration: ${c.cuts.length} cuts make ${c.cuts.length + 1} segments, but TPUs are given for ${c.assignment.length}`]));
      const flat = c.assignment.flat();
      if (flat.some((p) => !unit.positions.includes(p)) || new Set(flat).size !== flat.length) {
        return E.left(configInvalid(file, [`${where}.configuration.assignment: every segment copy needs a TPU of its own among the unit's positions ${unit.positions.join(',')}`]));
      }
    } else if (unit.models.length < 2) return E.left(configInvalid(file, [`${where}: a ${unit.kind} unit needs two models or more`]));
  }
  const missing = names.find((n) => !seen.has(n));
  if (missing !== undefined) return E.left(configInvalid(file, [`assignments[${k}]: model "${missing}" runs in no unit`]));
  return E.right({ plan, assignment: a });
}
