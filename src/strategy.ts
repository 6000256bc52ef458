/**
 * `tpuseg/strategy`: everything a strategy plug-in imports, wherever its file lives. The plug-in
 * loader resolves `require('tpuseg/strategy')` (and `import ... from 'tpuseg/strategy'`) to this
 * module of the running checkout, so a plug-in needs no relative path into `src/` and no
 * `node_modules` of its own.
 */
export * as E from 'fp-ts/Either';
export * as t from 'io-ts';
export type { Budget, Constraints, Objective, ObjectiveKind, Pin, Problem, SearchOutcome, Strategy, TaskInfo } from '../strategies/types';
export type { Rng } from './rng';
export type { LayerGraph, Op, Tensor } from './graph/types';
export type { TpusegError } from './errors';
export { infeasible, usage } from './errors';
export { compareScores, scorePlan, segmentsOf, type Score } from './search/objective';
export { checkPlan, cutRange, evenPlan, projectPlan } from './search/problem';
export { intUpTo, NonNegative, optionsCodec, PositiveInt, Restarts } from '../strategies/options';
